package io.litewake.testsupport;

import io.findify.s3mock.S3Mock;
import java.net.URI;
import java.time.Duration;

/**
 * findify s3mock in this JVM on a random loopback port, objects in memory. It accepts any
 * credentials and needs the compatible wire format (no aws-chunked bodies, checksums only when
 * required: with the SDK's defaults it silently stores empty or truncated multipart objects);
 * it ignores {@code Content-MD5} and {@code If-None-Match}, sends no ETag on a single PUT, and
 * its {@code delimiter=/} listings return only the first common prefix.
 */
public final class S3MockServer extends S3Server {
  private static final int ATTEMPTS = 5;

  private final S3Mock mock;
  private final int port;
  private volatile boolean closed;

  private S3MockServer(S3Mock mock, int port) {
    this.mock = mock;
    this.port = port;
  }

  /**
   * Starts a server on a free loopback port (retrying when the port is taken meanwhile).
   *
   * @return the running server; close it when done
   * @throws IllegalStateException if it cannot start
   */
  public static S3MockServer start() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = FreePorts.find();
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
      if (!FreePorts.awaitListening(port, Duration.ofSeconds(20), () -> true)) {
        mock.shutdown();
        throw new IllegalStateException("s3mock did not listen on 127.0.0.1:" + port + " within 20 s");
      }
      return new S3MockServer(mock, port);
    }
    throw new IllegalStateException("could not start s3mock on a free loopback port", last);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "s3mock";
  }

  /** {@inheritDoc} */
  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Any key is accepted; this one is the one put in URIs.
   *
   * @return {@code litewake-test-key}
   */
  @Override
  public String accessKey() {
    return "litewake-test-key";
  }

  /**
   * Any secret is accepted; this one, with characters that need encoding in a URI, is the one
   * put in URIs.
   *
   * @return the secret
   */
  @Override
  public String secretKey() {
    return "litewake/test+secret=";
  }

  /** Stops the server; its objects are gone. Idempotent. */
  @Override
  public void close() {
    super.close();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    mock.shutdown();
  }
}
