package io.litewake.testkit;

import io.findify.s3mock.S3Mock;
import java.net.URI;
import java.time.Duration;

/**
 * findify s3mock in this JVM with an in-memory backend. It accepts any credentials and needs the
 * compatible wire format (no aws-chunked bodies, checksums only when required).
 */
final class S3MockServer extends Server {
  private final S3Mock mock;
  private final int port;

  private S3MockServer(S3Mock mock, int port) {
    this.mock = mock;
    this.port = port;
  }

  static S3MockServer start() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      S3Mock mock = new S3Mock.Builder().withPort(port).withInMemoryBackend().build();
      try {
        mock.start();
      } catch (RuntimeException e) {
        last = e; // the port was taken in the meantime
        try {
          mock.shutdown();
        } catch (RuntimeException ignored) {
          // best effort
        }
        continue;
      }
      if (!awaitListening(port, Duration.ofSeconds(20), () -> true)) {
        mock.shutdown();
        throw new IllegalStateException("s3mock did not listen on port " + port + " within 20 s");
      }
      return new S3MockServer(mock, port);
    }
    throw new IllegalStateException("could not start s3mock on a free loopback port", last);
  }

  @Override
  String name() {
    return "s3mock";
  }

  @Override
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  String accessKey() {
    return "litewake-test-key";
  }

  @Override
  String secretKey() {
    return "litewake-test-secret";
  }

  @Override
  public void close() {
    mock.shutdown();
  }
}
