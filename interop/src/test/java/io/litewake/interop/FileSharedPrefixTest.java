package io.litewake.interop;

import java.nio.file.Path;

/** Litewake on a directory that holds Litestream generations. */
class FileSharedPrefixTest extends SharedPrefixScenarios {
  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new FileTarget(dir.resolve("replica-" + name));
  }
}
