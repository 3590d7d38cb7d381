package io.litewake.testkit;

import io.litewake.spi.Replica;
import java.nio.file.Files;

/** The replica contract on core's {@code file:} replica, opened by URI as users do. */
class FileReplicaContractTest extends ReplicaContractTest {
  @Override
  protected Replica newReplica() throws Exception {
    return open(Files.createTempDirectory(workDir, "replica").toUri());
  }
}
