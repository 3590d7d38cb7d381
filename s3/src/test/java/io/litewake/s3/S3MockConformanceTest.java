package io.litewake.s3;

import io.litewake.s3.testing.S3Servers;
import io.litewake.s3.testing.S3TestServer;

/** The replica contract against findify s3mock. */
class S3MockConformanceTest extends AbstractS3ReplicaConformanceTest {
  @Override
  S3TestServer server() {
    return S3Servers.S3MOCK.server();
  }
}
