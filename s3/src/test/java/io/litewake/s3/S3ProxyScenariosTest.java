package io.litewake.s3;

import io.litewake.testsupport.S3Servers;
import io.litewake.testing.ReplicaScenarios;
import java.net.URI;
import java.time.Duration;

/** Core's replication scenarios on S3Proxy 4.x (a faithful S3 implementation). */
class S3ProxyScenariosTest extends ReplicaScenarios {
  @Override
  protected URI replicaUri(String name) {
    return S3Servers.S3PROXY.newReplicaUri();
  }

  @Override
  protected Duration timestampGranularity() {
    return Duration.ofMillis(1100); // S3 LastModified has one-second resolution
  }
}
