package io.litewake.testkit;

import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3MockServer;
import io.litewake.testsupport.S3ProxyServer;
import io.litewake.testsupport.S3Server;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3-compatible server on a random loopback port with one bucket, for tests and demos —
 * no account, no Docker, no server to install. By default findify s3mock runs in this JVM;
 * {@link Builder#s3proxy()} runs S3Proxy in a child JVM instead. Clients reach it through a
 * loopback front where {@linkplain #faults() faults} and a {@linkplain #policy(Policy) policy}
 * apply and every request is {@linkplain #requests() recorded}.
 *
 * <pre>{@code
 * try (EmbeddedS3 s3 = EmbeddedS3.start()) {
 *   URI replica = s3.uri("orders"); // s3://litewake-test/orders?endpoint=...&region=...&...
 *   try (Replicator r = Replicator.of(db).to(replica).start()) { ... }
 *   Restore.from(replica).to(restored).run();
 * }
 * }</pre>
 *
 * <p>In JUnit 5 tests use {@link S3Extension}, which manages one of these. Thread-safe: the
 * server, front and fault schedule are thread-safe themselves; {@link #close()} is synchronized.
 */
public final class EmbeddedS3 implements AutoCloseable {

  /** Which server runs behind the endpoint. */
  public enum Backend {
    /** findify s3mock 0.2.6 in this JVM, objects in memory (the default; starts in about a second). */
    S3MOCK,
    /** S3Proxy 4.x in a child JVM, objects in a temporary directory, signatures checked. */
    S3PROXY
  }

  /** The bucket used unless {@link Builder#bucket(String)} says otherwise. */
  public static final String DEFAULT_BUCKET = "litewake-test";

  private final Backend kind;
  private final S3Server server;
  private final String bucket;
  private final Faults faults = new Faults();
  private final S3Front front;
  private volatile boolean closed;

  private EmbeddedS3(Builder b) {
    this.kind = b.backend;
    this.bucket = b.bucket;
    S3Server s = kind == Backend.S3MOCK ? S3MockServer.start()
        : b.s3proxyJar != null ? S3ProxyServer.builder().jar(b.s3proxyJar).start() : S3ProxyServer.start();
    this.server = s;
    S3Front f = null;
    try {
      f = S3Front.builder(s.endpoint()).faults(faults.schedule()).start();
      this.front = f;
      s.createBucket(bucket);
    } catch (RuntimeException e) {
      if (f != null) {
        f.close();
      }
      s.close();
      throw e;
    }
  }

  /**
   * Starts findify s3mock in this JVM with the bucket {@value #DEFAULT_BUCKET}.
   *
   * @return the running server; close it when done
   * @throws IllegalStateException if the server cannot start
   */
  public static EmbeddedS3 start() {
    return builder().start();
  }

  /**
   * Starts describing a server.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A replica URI on this server that {@code Replicator.to(URI)} and {@code Restore.from(URI)}
   * accept as is: {@code s3://BUCKET/NAME?endpoint=...&region=us-east-1&force-path-style=true&
   * access-key=...&secret-access-key=...}, pointing at the front where faults and the policy
   * apply.
   *
   * @param name the replica's prefix in the bucket, such as {@code orders} or {@code apps/orders}
   *     (letters, digits, {@code . _ -}, segments separated by {@code /})
   * @return the URI
   * @throws IllegalArgumentException if the name is invalid; the message says why
   * @throws IllegalStateException if the server was closed
   */
  public URI uri(String name) {
    Names.requireValid(name);
    requireOpen();
    return server.replicaUri(front.endpoint(), bucket, name);
  }

  /**
   * The endpoint clients use, {@code http://127.0.0.1:PORT}: the front, where faults and the
   * policy apply.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    requireOpen();
    return front.endpoint();
  }

  /**
   * The bucket, created at start.
   *
   * @return the bucket name
   */
  public String bucket() {
    return bucket;
  }

  /**
   * The region to sign requests for.
   *
   * @return {@code us-east-1}
   */
  public String region() {
    return server.region();
  }

  /**
   * The access key the server accepts.
   *
   * @return the access key id
   */
  public String accessKey() {
    return server.accessKey();
  }

  /**
   * The secret of {@link #accessKey()}.
   *
   * @return the secret access key
   */
  public String secretKey() {
    return server.secretKey();
  }

  /**
   * Which server runs behind the endpoint.
   *
   * @return the backend
   */
  public Backend backend() {
    return kind;
  }

  /**
   * A synchronous S3 client for assertions and setup, configured for this server (path style,
   * checksums only when required, no aws-chunked bodies). It talks to the server directly:
   * faults and the policy do not apply to it, and its requests are not recorded. Closed with
   * the server; do not close it yourself.
   *
   * @return the client
   * @throws IllegalStateException if the server was closed
   */
  public S3Client client() {
    requireOpen();
    return server.client();
  }

  /**
   * The faults to inject on the endpoint.
   *
   * @return the fault controller of this server
   */
  public Faults faults() {
    return faults;
  }

  /**
   * Enforces an IAM-like policy on the endpoint from now on: requests it does not allow are
   * answered with {@code 403 AccessDenied}. Replaces the previous policy.
   *
   * @param policy the policy
   * @return this, to chain
   */
  public EmbeddedS3 policy(Policy policy) {
    Objects.requireNonNull(policy, "policy");
    requireOpen();
    front.policy(policy.toAccessPolicy(bucket));
    return this;
  }

  /**
   * Removes the policy: every request is allowed again.
   *
   * @return this, to chain
   */
  public EmbeddedS3 clearPolicy() {
    front.policy(null);
    return this;
  }

  /**
   * Every request that came through the endpoint, oldest first (at most the last 100,000).
   *
   * @return an immutable copy
   */
  public List<S3Request> requests() {
    return front.requests().stream().map(S3Request::of).toList();
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    front.clearRequests();
  }

  /**
   * Clears faults, the policy and the recorded requests; the stored objects stay.
   *
   * @return this, to chain
   */
  public EmbeddedS3 reset() {
    faults.clear();
    clearPolicy();
    clearRequests();
    return this;
  }

  /**
   * The keys stored under a replica name, sorted (through the assertion client).
   *
   * @param name the replica name given to {@link #uri(String)}
   * @return keys relative to the bucket, such as {@code orders/generations/.../wal/...}
   */
  public List<String> keys(String name) {
    Names.requireValid(name);
    List<String> keys = new ArrayList<>();
    client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(name + "/"))
        .contents().forEach(o -> keys.add(o.key()));
    keys.sort(null);
    return keys;
  }

  /**
   * Deletes every object stored under a replica name, so the next test starts empty.
   *
   * @param name the replica name given to {@link #uri(String)}
   * @return how many objects were deleted
   */
  public int deleteReplica(String name) {
    Names.requireValid(name);
    List<String> keys = new ArrayList<>();
    for (S3Object o : client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(name + "/")).contents()) {
      keys.add(o.key());
    }
    for (String key : keys) {
      client().deleteObject(r -> r.bucket(bucket).key(key));
    }
    return keys.size();
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /** Stops the front and the server; the stored objects are gone. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    front.close();
    server.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the embedded S3 server (" + server.name() + ") is closed");
    }
  }

  @Override
  public String toString() {
    return "EmbeddedS3[" + server.name() + ", bucket " + bucket
        + (closed ? ", closed" : ", " + front.endpoint()) + "]";
  }

  /** Describes an {@link EmbeddedS3}. */
  public static final class Builder {
    private Backend backend = Backend.S3MOCK;
    private String bucket = DEFAULT_BUCKET;
    private Path s3proxyJar;

    private Builder() {}

    /**
     * The bucket to create.
     *
     * @param bucket a valid S3 bucket name
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid bucket name
     */
    public Builder bucket(String bucket) {
      this.bucket = Names.requireValidBucket(bucket);
      return this;
    }

    /**
     * Runs S3Proxy 4.x in a child JVM instead of s3mock: slower to start (a few seconds), closer
     * to S3 (signatures checked, {@code Content-MD5} verified). The jar
     * ({@code org.gaul:s3proxy:4.x:jar-with-dependencies}) is found through the system property
     * {@code litewake.s3proxy.jar}, then the class path, then the local Maven repository; fetch
     * it once with {@code mvn dependency:get
     * -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies}.
     *
     * @return this builder
     */
    public Builder s3proxy() {
      this.backend = Backend.S3PROXY;
      return this;
    }

    /**
     * Runs S3Proxy from the given jar-with-dependencies.
     *
     * @param jar the S3Proxy jar
     * @return this builder
     */
    public Builder s3proxy(Path jar) {
      this.backend = Backend.S3PROXY;
      this.s3proxyJar = Objects.requireNonNull(jar, "jar");
      return this;
    }

    /**
     * Chooses the server.
     *
     * @param backend {@link Backend#S3MOCK} (default) or {@link Backend#S3PROXY}
     * @return this builder
     */
    public Builder backend(Backend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Starts the server and creates the bucket.
     *
     * @return the running server; close it when done
     * @throws IllegalStateException if the server cannot start (for S3Proxy: if the jar is not
     *     found, with what to do)
     */
    public EmbeddedS3 start() {
      return new EmbeddedS3(this);
    }
  }
}
