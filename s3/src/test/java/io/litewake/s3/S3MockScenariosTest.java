package io.litewake.s3;

import io.litewake.testsupport.S3Servers;
import io.litewake.testing.ReplicaScenarios;
import java.net.URI;
import java.time.Duration;

/** Core's replication scenarios on findify s3mock (the testkit's embedded server). */
class S3MockScenariosTest extends ReplicaScenarios {
  @Override
  protected URI replicaUri(String name) {
    return S3Servers.S3MOCK.newReplicaUri();
  }

  @Override
  protected Duration timestampGranularity() {
    return Duration.ofMillis(1100); // S3 LastModified has one-second resolution
  }
}
