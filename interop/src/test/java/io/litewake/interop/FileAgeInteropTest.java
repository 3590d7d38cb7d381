package io.litewake.interop;

import java.nio.file.Path;

/** The age interop scenarios on a directory replica (Litestream's {@code type: file}). */
class FileAgeInteropTest extends AgeInteropScenarios {
  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new FileTarget(dir.resolve("replica-" + name));
  }
}
