package io.litewake.s3.testing;

import io.findify.s3mock.S3Mock;
import java.net.URI;
import java.time.Duration;

/**
 * findify s3mock in this JVM on a random loopback port, with an in-memory backend. It accepts
 * any credentials, needs the compatible wire format (no aws-chunked bodies, checksums only when
 * required), ignores {@code Content-MD5} and {@code If-None-Match}, and collapses common
 * prefixes, so listings must be recursive without a delimiter.
 */
public final class S3MockServer extends S3TestServer {

  private final S3Mock mock;
  private final int port;

  private S3MockServer(S3Mock mock, int port) {
    this.mock = mock;
    this.port = port;
  }

  /**
   * Starts a server.
   *
   * @return the running server
   */
  public static S3MockServer start() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = FreePorts.find();
      S3Mock mock = new S3Mock.Builder().withPort(port).withInMemoryBackend().build();
      try {
        mock.start();
      } catch (RuntimeException e) {
        last = e; // port taken in the meantime
        try {
          mock.shutdown();
        } catch (RuntimeException ignored) {
          // best effort
        }
        continue;
      }
      if (!FreePorts.awaitListening(port, Duration.ofSeconds(20), () -> true)) {
        throw new IllegalStateException("s3mock did not listen on port " + port);
      }
      return new S3MockServer(mock, port);
    }
    throw new IllegalStateException("could not start s3mock", last);
  }

  @Override
  public String name() {
    return "s3mock";
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String accessKey() {
    return "s3mock-key";
  }

  @Override
  public String secretKey() {
    return "s3mock-secret+/=";
  }

  @Override
  public void close() {
    super.close();
    mock.shutdown();
  }
}
