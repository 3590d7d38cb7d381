package io.litewake.testsupport;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two loopback servers shared by the tests of one JVM, each started on first use and stopped
 * when the JVM exits; scenario suites ask for a fresh replica location with {@link
 * #newReplicaUri()}. Thread-safe (each constant's server is guarded by the constant).
 */
public enum S3Servers {
  /** findify s3mock, in this JVM. */
  S3MOCK,
  /** S3Proxy 4.x in a child JVM, signatures checked. */
  S3PROXY;

  /** The bucket {@link #newReplicaUri()} puts replicas in, created on first use. */
  public static final String SHARED_BUCKET = "litewake-test";

  private static final AtomicLong COUNTER = new AtomicLong();

  private S3Server server;

  /**
   * The running server, started (with {@link #SHARED_BUCKET}) on first call.
   *
   * @return the server
   * @throws IllegalStateException if it cannot start
   */
  public synchronized S3Server server() {
    if (server == null) {
      S3Server s = this == S3MOCK ? S3MockServer.start() : S3ProxyServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "litewake-" + s.name() + "-stop"));
      s.createBucket(SHARED_BUCKET);
      server = s;
    }
    return server;
  }

  /**
   * The bucket shared by the tests, created with the server.
   *
   * @return {@value #SHARED_BUCKET}
   */
  public String sharedBucket() {
    server();
    return SHARED_BUCKET;
  }

  /**
   * A fresh, empty replica location on this server: a new prefix in {@link #SHARED_BUCKET}.
   *
   * @return an {@code s3://} URI with endpoint, region and credentials as query parameters
   */
  public URI newReplicaUri() {
    return server().replicaUri(SHARED_BUCKET, newPrefix());
  }

  /**
   * A prefix no other test of any JVM on this machine uses.
   *
   * @return such as {@code t4711/17/db}
   */
  public static String newPrefix() {
    return "t" + ProcessHandle.current().pid() + "/" + COUNTER.incrementAndGet() + "/db";
  }
}
