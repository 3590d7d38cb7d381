package io.litewake.interop;

import io.litewake.testsupport.S3ProxyServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Litewake on an S3 prefix that holds Litestream generations, on S3Proxy 4.x (a child JVM on a
 * loopback port, filesystem storage, AWS v4 signatures checked): s3mock 0.2.6 cannot serve this
 * case, its {@code delimiter=/} listings return only the first common prefix, so Litestream would
 * see one generation of two.
 */
class S3ProxySharedPrefixTest extends SharedPrefixScenarios {
  static final String BUCKET = "interop";
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static S3ProxyServer s3;

  @BeforeAll
  static void startS3Proxy() {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3Proxy() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new S3Target(s3, BUCKET, "apps/" + name + "-" + PREFIXES.incrementAndGet());
  }
}
