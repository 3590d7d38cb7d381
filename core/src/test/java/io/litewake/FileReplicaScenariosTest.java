package io.litewake;

import io.litewake.testing.ReplicaScenarios;
import java.net.URI;
import java.nio.file.Files;

/** The replication scenarios on a {@code file:} replica. */
class FileReplicaScenariosTest extends ReplicaScenarios {
  @Override
  protected URI replicaUri(String name) throws Exception {
    return Files.createTempDirectory(dir, "replica-" + name).toUri();
  }
}
