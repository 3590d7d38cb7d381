package io.litewake.s3.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The servers of the S3 test suite, each started once per test JVM on first use and stopped
 * when it exits. Scenario suites that take a replica URI extend one abstract test per backend
 * and ask {@link #newReplicaUri()} for a fresh location.
 */
public enum S3Servers {
  /** findify s3mock, in process (the testkit's embedded server). */
  S3MOCK,
  /** S3Proxy 4.x in a child JVM, with authorization on. */
  S3PROXY;

  private S3TestServer server;

  /**
   * The running server, started on first call.
   *
   * @return the server
   */
  public synchronized S3TestServer server() {
    if (server == null) {
      server = switch (this) {
        case S3MOCK -> S3MockServer.start();
        case S3PROXY -> S3ProxyServer.start(tempDir("s3proxy"));
      };
      S3TestServer s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    }
    return server;
  }

  /**
   * A fresh, empty replica location on this backend, with endpoint, region and credentials as
   * query parameters.
   *
   * @return an {@code s3://} URI
   */
  public URI newReplicaUri() {
    return server().newReplicaUri();
  }

  private static Path tempDir(String name) {
    try {
      Path base = Path.of(System.getProperty("litewake.test.dir", "target"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base.toAbsolutePath(), name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
