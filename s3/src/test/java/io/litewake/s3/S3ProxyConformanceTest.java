package io.litewake.s3;

import io.litewake.s3.testing.S3Servers;
import io.litewake.s3.testing.S3TestServer;

/** The replica contract against S3Proxy 4.x. */
class S3ProxyConformanceTest extends AbstractS3ReplicaConformanceTest {
  @Override
  S3TestServer server() {
    return S3Servers.S3PROXY.server();
  }
}
