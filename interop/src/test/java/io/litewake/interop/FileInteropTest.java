package io.litewake.interop;

import java.nio.file.Path;

/** The interop scenarios on a directory replica (Litestream's {@code type: file}). */
class FileInteropTest extends InteropScenarios {
  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new FileTarget(dir.resolve("replica-" + name));
  }
}
