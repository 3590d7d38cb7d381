package io.litewake.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A JUnit 5 extension that runs an S3-compatible server on a random loopback port with a bucket
 * (an {@link EmbeddedS3}: findify s3mock in process by default, S3Proxy on request), for
 * testing replication and restore with no account and no Docker.
 *
 * <pre>{@code
 * class OrdersBackupTest {
 *   @RegisterExtension
 *   static final S3Extension s3 = S3Extension.create();   // one server for the class
 *
 *   @Test
 *   void restoresWhatWasWritten(@TempDir Path dir) throws Exception {
 *     URI replica = s3.uri("orders");
 *     try (Replicator r = Replicator.of(db).to(replica).start()) {
 *       ... write ...
 *       r.sync();
 *     }
 *     ReplicaTesting.assertReplicaMatches(replica, db);
 *   }
 * }
 * }</pre>
 *
 * <p>Lifecycle, as Testcontainers does it: registered on a {@code static} field (or with
 * {@code @ExtendWith(S3Extension.class)} on the class) the server starts before the class's
 * tests and stops after them, and {@code @Nested} classes reuse it; registered on an instance
 * field (or with {@code @ExtendWith} on a method) each test gets its own server. The server is
 * stopped through JUnit's {@link ExtensionContext.Store}. With a shared server, faults, the
 * policy and the recorded requests are reset after each test; stored objects stay, so give each
 * test its own replica name or call {@link #deleteReplica(String)}.
 *
 * <p>Parameters of type {@code S3Extension} or {@link EmbeddedS3} of test methods, lifecycle
 * methods and constructors are resolved to the running extension or its server (that is how
 * {@code @ExtendWith(S3Extension.class)} is used).
 */
public final class S3Extension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3Extension.class);

  private final EmbeddedS3.Backend backend;
  private final String bucket;
  private final Path s3proxyJar;
  private volatile EmbeddedS3 server;
  private volatile boolean perClass;
  private volatile String stoppedIn;

  private S3Extension(Builder b) {
    this.backend = b.backend;
    this.bucket = b.bucket;
    this.s3proxyJar = b.s3proxyJar;
  }

  /** For {@code @ExtendWith(S3Extension.class)}: s3mock with the default bucket. */
  private S3Extension() {
    this(new Builder());
  }

  /**
   * An extension running findify s3mock in process with the bucket {@value
   * EmbeddedS3#DEFAULT_BUCKET}.
   *
   * @return the extension, to put in a {@code @RegisterExtension} field
   */
  public static S3Extension create() {
    return new S3Extension(new Builder());
  }

  /**
   * Starts describing an extension (bucket, S3Proxy instead of s3mock).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ JUnit callbacks

  /**
   * Starts the server for the test class, unless it runs already (an enclosing class's server is
   * reused by {@code @Nested} classes).
   *
   * @param context the class's context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      start(context, true);
    }
  }

  /**
   * Starts a server for this test unless one runs for the class.
   *
   * @param context the test's context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    if (server == null) {
      start(context, false);
    }
  }

  /**
   * Resets faults, the policy and the recorded requests of a server shared by several tests.
   *
   * @param context the test's context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    EmbeddedS3 s = server;
    if (s != null && perClass && !s.isClosed()) {
      s.reset();
    }
  }

  /**
   * Whether the parameter is an {@code S3Extension} or an {@link EmbeddedS3}.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context
   * @return true for those two types
   */
  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == S3Extension.class || type == EmbeddedS3.class;
  }

  /**
   * This extension, or its running server.
   *
   * @param parameterContext the parameter
   * @param extensionContext the context
   * @return the value
   * @throws ParameterResolutionException if an {@link EmbeddedS3} is asked for before the server
   *     started
   */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    if (parameterContext.getParameter().getType() == S3Extension.class) {
      return this;
    }
    EmbeddedS3 s = server;
    if (s == null) {
      throw new ParameterResolutionException(notRunning("resolve an EmbeddedS3 parameter"));
    }
    return s;
  }

  // ------------------------------------------------------------------ the server

  /**
   * A replica URI on the server that {@code Replicator.to(URI)} and {@code Restore.from(URI)}
   * accept as is (endpoint, region, path style and test credentials in its query); requests to
   * it pass through the front where {@link #faults()} and {@link #policy(Policy)} apply.
   *
   * @param name the replica's prefix in the bucket, such as {@code orders} or {@code apps/orders}
   * @return {@code s3://BUCKET/NAME?endpoint=http://127.0.0.1:PORT&...}
   * @throws IllegalArgumentException if the name is invalid
   * @throws IllegalStateException if the server is not running (called before JUnit started it,
   *     for example from a field initializer or a constructor with an instance-field extension,
   *     or after it stopped); the message says how to register the extension
   */
  public URI uri(String name) {
    Names.requireValid(name);
    return running("call uri(\"" + name + "\")").uri(name);
  }

  /**
   * The endpoint of the front, {@code http://127.0.0.1:PORT}.
   *
   * @return the endpoint
   * @throws IllegalStateException if the server is not running
   */
  public URI endpoint() {
    return running("call endpoint()").endpoint();
  }

  /**
   * The bucket the server holds.
   *
   * @return the bucket name
   */
  public String bucket() {
    return bucket;
  }

  /**
   * An S3 client for assertions, talking to the server directly (no faults, no policy). Closed
   * with the server.
   *
   * @return the client
   * @throws IllegalStateException if the server is not running
   */
  public S3Client client() {
    return running("call client()").client();
  }

  /**
   * The faults to inject on the endpoint, such as {@code s3.faults().slowDown(3)}.
   *
   * @return the fault controller
   * @throws IllegalStateException if the server is not running
   */
  public Faults faults() {
    return running("call faults()").faults();
  }

  /**
   * Enforces an IAM-like policy on the endpoint until the test ends (or {@link #clearPolicy()}).
   *
   * @param policy such as {@code Policy.replicate("orders")}
   * @return this, to chain
   * @throws IllegalStateException if the server is not running
   */
  public S3Extension policy(Policy policy) {
    Objects.requireNonNull(policy, "policy");
    running("call policy(...)").policy(policy);
    return this;
  }

  /**
   * Removes the policy.
   *
   * @return this, to chain
   * @throws IllegalStateException if the server is not running
   */
  public S3Extension clearPolicy() {
    running("call clearPolicy()").clearPolicy();
    return this;
  }

  /**
   * The requests that came through the endpoint during this test, oldest first.
   *
   * @return an immutable copy
   * @throws IllegalStateException if the server is not running
   */
  public List<S3Request> requests() {
    return running("call requests()").requests();
  }

  /**
   * The keys stored under a replica name.
   *
   * @param name the replica name
   * @return the keys, sorted
   * @throws IllegalStateException if the server is not running
   */
  public List<String> keys(String name) {
    Names.requireValid(name);
    return running("call keys(...)").keys(name);
  }

  /**
   * Deletes everything stored under a replica name.
   *
   * @param name the replica name
   * @return how many objects were deleted
   * @throws IllegalStateException if the server is not running
   */
  public int deleteReplica(String name) {
    Names.requireValid(name);
    return running("call deleteReplica(...)").deleteReplica(name);
  }

  /**
   * The running server.
   *
   * @return the server
   * @throws IllegalStateException if the server is not running
   */
  public EmbeddedS3 server() {
    return running("call server()");
  }

  /**
   * Whether the server is running now.
   *
   * @return true between start and stop
   */
  public boolean isRunning() {
    EmbeddedS3 s = server;
    return s != null && !s.isClosed();
  }

  // ------------------------------------------------------------------ internals

  private synchronized void start(ExtensionContext context, boolean classLevel) {
    if (server != null) {
      return;
    }
    EmbeddedS3.Builder b = EmbeddedS3.builder().bucket(bucket).backend(backend);
    if (s3proxyJar != null) {
      b.s3proxy(s3proxyJar);
    }
    EmbeddedS3 s = b.start();
    server = s;
    perClass = classLevel;
    String where = context.getDisplayName();
    context.getStore(NAMESPACE).put(new Object(), new Stopper(this, s, where));
  }

  private synchronized void stopped(EmbeddedS3 s, String where) {
    if (server == s) {
      server = null;
      stoppedIn = where;
    }
  }

  /** Closes the server when JUnit closes the store it was put in. */
  @SuppressWarnings("deprecation")
  private static final class Stopper implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final S3Extension owner;
    private final EmbeddedS3 s;
    private final String where;

    Stopper(S3Extension owner, EmbeddedS3 s, String where) {
      this.owner = owner;
      this.s = s;
      this.where = where;
    }

    @Override
    public void close() {
      try {
        s.close();
      } finally {
        owner.stopped(s, where);
      }
    }
  }

  private EmbeddedS3 running(String what) {
    EmbeddedS3 s = server;
    if (s == null || s.isClosed()) {
      throw new IllegalStateException(notRunning(what));
    }
    return s;
  }

  private String notRunning(String what) {
    String stopped = stoppedIn;
    if (stopped != null) {
      return "cannot " + what + ": the S3Extension's server stopped when " + stopped + " ended; an"
          + " instance-field extension runs one server per test, a static field one per test class";
    }
    return "cannot " + what + ": the S3Extension's server is not running yet. JUnit starts it before"
        + " each test (extension in an instance field, or @ExtendWith on a method) or before the"
        + " test class (static field, or @ExtendWith on the class); use it from test, @BeforeEach"
        + " or @BeforeAll methods, not from field initializers, constructors or static"
        + " initializers (for @BeforeAll, register it on a static field:"
        + " @RegisterExtension static final S3Extension s3 = S3Extension.create();)";
  }

  @Override
  public String toString() {
    EmbeddedS3 s = server;
    return "S3Extension[" + (s == null ? backend + ", not running" : s.toString()) + "]";
  }

  /** Describes an {@link S3Extension}. */
  public static final class Builder {
    private EmbeddedS3.Backend backend = EmbeddedS3.Backend.S3MOCK;
    private String bucket = EmbeddedS3.DEFAULT_BUCKET;
    private Path s3proxyJar;

    private Builder() {}

    /**
     * The bucket to create.
     *
     * @param bucket a valid bucket name
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid bucket name
     */
    public Builder bucket(String bucket) {
      this.bucket = Names.requireValidBucket(bucket);
      return this;
    }

    /**
     * Runs S3Proxy in a child JVM instead of s3mock; see {@link EmbeddedS3.Builder#s3proxy()}
     * for where the jar comes from.
     *
     * @return this builder
     */
    public Builder s3proxy() {
      this.backend = EmbeddedS3.Backend.S3PROXY;
      return this;
    }

    /**
     * Runs S3Proxy from the given jar-with-dependencies.
     *
     * @param jar the jar
     * @return this builder
     */
    public Builder s3proxy(Path jar) {
      this.backend = EmbeddedS3.Backend.S3PROXY;
      this.s3proxyJar = Objects.requireNonNull(jar, "jar");
      return this;
    }

    /**
     * Creates the extension; the server starts when JUnit says so.
     *
     * @return the extension
     */
    public S3Extension build() {
      return new S3Extension(this);
    }
  }
}
