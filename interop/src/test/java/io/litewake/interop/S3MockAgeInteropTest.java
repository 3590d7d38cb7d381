package io.litewake.interop;

import io.litewake.testsupport.S3MockServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The age interop scenarios on an S3 replica (findify s3mock in this JVM). */
class S3MockAgeInteropTest extends AgeInteropScenarios {
  static final String BUCKET = "interop-age";
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static S3MockServer s3;

  @BeforeAll
  static void startS3() {
    s3 = S3MockServer.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new S3Target(s3, BUCKET, "apps/" + name + "-" + PREFIXES.incrementAndGet());
  }
}
