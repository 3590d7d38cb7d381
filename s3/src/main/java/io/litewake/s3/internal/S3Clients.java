package io.litewake.s3.internal;

import io.litewake.internal.Redact;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.s3.DelegatingS3AsyncClient;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;

/**
 * The client factory: the SDK clients of one replica, either the caller's (used as is, never
 * closed) or built here, each on first use. Reads (LIST, GET, HEAD) and uploads of one part go
 * through a synchronous client on the JDK's URL connection ({@link #sync()}): on a cold JVM it
 * answers a restore's first LIST in about half the time of the Netty client and its GETs in half
 * the CPU (bench: {@code PerfProbe clients}), and a restore or a start never builds more. Larger
 * uploads, and every throttled upload ({@code uploadRateLimit}: the claim a throttled start writes
 * too), go through the asynchronous client ({@link #client()}), whose HTTP client paces them; it is
 * built when the first one comes.
 * A built async client is multipart-enabled with the replica's part size, signs
 * for the resolved region, retries with the standard strategy, puts a {@code Content-MD5} on every
 * upload ({@link IntegrityInterceptor}), paces throttled uploads ({@link PacedHttpClient}), and
 * runs on event loops of its own that {@link #close()}
 * shuts down without waiting for Netty's quiet period (a restore on boot would otherwise wait two
 * seconds in close). Custom endpoints get the compatible wire format: checksums only {@code
 * WHEN_REQUIRED} and no aws-chunked encoding.
 *
 * <p>Built clients are shared: {@link #acquire} hands every replica of one process with the same
 * store, location and credentials the same instance (a restore on boot and the replicator that
 * starts next, say), counting its users; the last {@link #close()} keeps it {@link #LINGER} longer
 * in case another user comes, then shuts it down. Immutable once built apart from that count and
 * the transfer manager (both guarded: {@code SHARED} and {@code this}); the SDK clients are
 * thread-safe.
 */
public final class S3Clients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);
  /** How long a built client stays open after its last user closed it, for the next one. */
  static final Duration LINGER = Duration.ofSeconds(30);
  /** Built clients by what they were built from; guards every instance's {@link #users}. */
  private static final Map<List<Object>, S3Clients> SHARED = new HashMap<>();
  private static final AtomicInteger BUILT = new AtomicInteger();
  private static ScheduledExecutorService closer;

  /** The configuration to build from, or null with the caller's client. */
  private final S3Config config;
  private final IntegrityInterceptor integrity;
  private final S3Errors.Context context;
  private final String location;
  /** Guarded by {@code this}: built on first use. */
  private S3AsyncClient client;
  private S3AsyncClient plain;
  private S3Client sync;
  /** The background build of {@link #sync}, until {@link #sync()} takes it. */
  private CompletableFuture<S3Client> syncBuild;
  /** The Netty event loops of an async client built here, or null. */
  private SdkEventLoopGroup eventLoops;
  /** The HTTP client of an async client built here (the S3 client does not close it), or null. */
  private PacedHttpClient http;
  private software.amazon.awssdk.transfer.s3.S3TransferManager transferManager;
  private boolean closed;
  /** The key in {@link #SHARED}, or null for a client that is not shared. */
  private List<Object> sharedAs;
  /** Replicas using this client (guarded by {@link #SHARED}). */
  private int users;
  private ScheduledFuture<?> shutdown;

  private S3Clients(S3Config config, S3AsyncClient given, IntegrityInterceptor integrity, S3Errors.Context context,
      String location) {
    this.config = config;
    this.client = given;
    this.plain = given == null ? null : unwrapMultipart(given);
    this.integrity = integrity;
    this.context = context;
    this.location = location;
  }

  /**
   * Takes the caller's client, or the clients for the same store, location and credentials in
   * this process, or prepares new ones (built on first use).
   *
   * @param c the replica's configuration
   * @return the clients, closed by the replica (once)
   */
  public static S3Clients acquire(S3Config c) {
    List<Object> key = key(c);
    if (key == null) {
      return create(c);
    }
    synchronized (SHARED) {
      S3Clients s = SHARED.get(key);
      if (s == null) {
        s = create(c);
        s.sharedAs = key;
        SHARED.put(key, s);
      }
      s.take();
      return s;
    }
  }

  /** How many SDK clients this process built (for tests). */
  public static int built() {
    return BUILT.get();
  }

  /** What shared clients are built from, or null when they are not shared (the caller's client, test interceptors). */
  private static List<Object> key(S3Config c) {
    if (c.client() != null || !c.interceptors().isEmpty()) {
      return null;
    }
    Object credentials = c.credentials() == null ? "default chain"
        : c.credentials() instanceof StaticCredentialsProvider st ? st.resolveCredentials() : c.credentials();
    return Arrays.asList(c.location(), c.bucket(), c.arn() == null ? null : c.arn().toString(), c.region(),
        c.endpoint(), c.forcePathStyle(), credentials, c.accessKeyDescription(), c.partSize(), c.uploadConcurrency(),
        c.downloadConcurrency(), c.maxAttempts());
  }

  private void take() {
    users++;
    if (shutdown != null) {
      shutdown.cancel(false);
      shutdown = null;
    }
  }

  /**
   * Prepares the clients of one replica (or wraps the caller's); nothing is built yet.
   *
   * @param c the replica's configuration
   * @return the clients
   */
  static S3Clients create(S3Config c) {
    if (c.client() != null) {
      return new S3Clients(null, c.client(), null, new ErrorContext(c.bucket(), c.location(),
          "the S3 client given to the builder", "the region of the S3 client given to the builder",
          "the credentials of the given S3 client"), c.location());
    }
    boolean custom = c.endpoint() != null;
    S3Clients clients = new S3Clients(c, null, new IntegrityInterceptor(c.location(), custom), new ErrorContext(
        c.bucket(),
        c.location(),
        custom ? Redact.uri(c.endpoint()) : "AWS S3 in " + c.region().id(),
        c.region().id(),
        c.accessKeyDescription() != null ? c.accessKeyDescription()
            : c.credentials() != null ? "the given credentials provider"
            : "the AWS default credentials chain"), c.location());
    clients.buildSyncInBackground();
    return clients;
  }

  private AwsCredentialsProvider credentials() {
    return config.credentials() != null ? config.credentials() : DefaultCredentialsProvider.builder().build();
  }

  private boolean pathStyle() {
    boolean custom = config.endpoint() != null;
    return config.forcePathStyle() != null ? config.forcePathStyle() : custom && config.arn() == null;
  }

  private void configure(software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.Builder o) {
    o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(config.maxAttempts()).build());
    o.addExecutionInterceptor(integrity);
    config.interceptors().forEach(o::addExecutionInterceptor);
  }

  private S3Configuration serviceConfiguration() {
    S3Configuration.Builder s3conf = S3Configuration.builder().pathStyleAccessEnabled(pathStyle());
    if (config.endpoint() != null) {
      // S3-compatible stores and mocks: no aws-chunked bodies; integrity comes from Content-MD5
      s3conf.chunkedEncodingEnabled(false);
    }
    return s3conf.build();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(location + ": the S3 replica is closed");
    }
  }

  /**
   * Starts building the synchronous client on a daemon thread, so that what the caller does next
   * (a restore's local preparations, a replicator's connections and spool) overlaps it.
   */
  private void buildSyncInBackground() {
    if (config == null) {
      return;
    }
    CompletableFuture<S3Client> f = new CompletableFuture<>();
    syncBuild = f;
    Thread t = new Thread(() -> {
      try {
        f.complete(buildSync());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "litewake-s3-init");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The synchronous client for reads and single-part uploads, built in the background from the
   * moment the replica is opened (or now, if that failed).
   *
   * @return the client, or null with the caller's (asynchronous) client
   */
  public S3Client sync() {
    if (config == null) {
      return null;
    }
    CompletableFuture<S3Client> f;
    synchronized (this) {
      if (sync != null) {
        return sync;
      }
      requireOpen();
      f = syncBuild;
      syncBuild = null;
    }
    S3Client built = null;
    if (f != null) {
      try {
        built = f.join();
      } catch (RuntimeException e) {
        LOG.debug("{}: building the S3 client in the background failed ({}); building it again", location, e.toString());
      }
    }
    synchronized (this) {
      if (sync == null) {
        sync = built != null ? built : buildSync();
      } else if (built != null) {
        built.close(); // another thread got there first
      }
      if (closed) {
        sync.close();
        requireOpen();
      }
      return sync;
    }
  }

  private S3Client buildSync() {
    BUILT.incrementAndGet();
    return common(S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60))))
        .build();
  }

  /**
   * What both clients share: region, credentials, Content-MD5, retries and interceptors, path
   * style; for custom endpoints (S3-compatible stores and mocks) no flexible checksums they may
   * not understand.
   */
  private <B extends software.amazon.awssdk.services.s3.S3BaseClientBuilder<B, ?>> B common(B b) {
    b.region(config.region())
        .credentialsProvider(credentials())
        .addPlugin(LegacyMd5Plugin.create());
    b.overrideConfiguration(this::configure)
        .serviceConfiguration(serviceConfiguration());
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
      b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return b;
  }

  /**
   * The client for multipart uploads, built on first use: multipart-enabled when built here.
   *
   * @return the client
   */
  public synchronized S3AsyncClient client() {
    if (client == null) {
      requireOpen();
      buildAsync();
    }
    return client;
  }

  private void buildAsync() {
    BUILT.incrementAndGet();
    // our own event loops: the client would close its own with Netty's two-second quiet
    // period, and a restore on boot would wait for it in close()
    AtomicInteger ioThreads = new AtomicInteger();
    SdkEventLoopGroup loops = SdkEventLoopGroup.builder()
        .threadFactory(r -> {
          Thread t = new Thread(r, "litewake-s3-io-" + ioThreads.incrementAndGet());
          t.setDaemon(true);
          return t;
        })
        .build();
    long partSize = config.partSize();
    // given to the client as built (the client does not close it): closed in shutdown()
    PacedHttpClient paced = new PacedHttpClient(
        NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(loops)
            .maxConcurrency(Math.max(config.uploadConcurrency(), config.downloadConcurrency()) + 8)
            .connectionTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ofSeconds(60))
            .writeTimeout(Duration.ofSeconds(60))
            .connectionAcquisitionTimeout(Duration.ofSeconds(60))
            .build());
    S3AsyncClientBuilder cb =
        S3AsyncClient.builder()
            .multipartEnabled(true)
            .multipartConfiguration(
                MultipartConfiguration.builder()
                    .thresholdInBytes(partSize)
                    .minimumPartSizeInBytes(partSize)
                    .apiCallBufferSizeInBytes(partSize * 2)
                    .build())
            .httpClient(paced);
    common(cb);
    try {
      client = cb.build();
    } catch (RuntimeException | Error e) {
      paced.close();
      loops.eventLoopGroup().shutdownGracefully(); // its selectors are open already
      throw e;
    }
    http = paced;
    eventLoops = loops;
    plain = unwrapMultipart(client);
  }

  /** The transfer manager over {@link #client()}, made on first use and shared by every replica of this client. */
  public synchronized software.amazon.awssdk.transfer.s3.S3TransferManager transferManager() {
    if (transferManager == null) {
      transferManager = software.amazon.awssdk.transfer.s3.S3TransferManager.builder().s3Client(client()).build();
    }
    return transferManager;
  }

  /**
   * The async client without the multipart wrapper, for requests that need one (the caller's
   * client): GETs by part number are not portable.
   *
   * @return the plain client
   */
  public synchronized S3AsyncClient plain() {
    client();
    return plain;
  }

  /**
   * The integrity interceptor of a client built here.
   *
   * @return the interceptor, or {@code null} with the caller's client
   */
  public IntegrityInterceptor integrity() {
    return integrity;
  }

  /**
   * The HTTP client of a client built here, which paces registered uploads on their way out (the
   * asynchronous client is built if it was not yet).
   *
   * @return the client, or {@code null} with the caller's client (uploads are paced as whole objects)
   */
  public synchronized PacedHttpClient pacing() {
    if (config == null) {
      return null;
    }
    client();
    return http;
  }

  /**
   * Whether throttled uploads can be paced inside the transfer ({@link #pacing()}), without
   * building anything.
   *
   * @return true for clients built here, false with the caller's client
   */
  public boolean pacesInside() {
    return config != null;
  }

  /**
   * What error messages say about the replica: endpoint, region and credentials in use.
   *
   * @return the context
   */
  public S3Errors.Context context() {
    return context;
  }

  /**
   * Releases this user's hold: clients that are not shared (or whose last user this was, after
   * {@link #LINGER}) are closed and their event loops shut down; the caller's client stays open.
   */
  @Override
  public void close() {
    if (sharedAs == null) {
      shutdown();
      return;
    }
    synchronized (SHARED) {
      if (--users > 0 || shutdown != null) {
        return;
      }
      if (closer == null) {
        closer = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "litewake-s3-linger");
          t.setDaemon(true);
          return t;
        });
      }
      shutdown = closer.schedule(this::lingered, LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void lingered() {
    synchronized (SHARED) {
      if (users > 0 || SHARED.get(sharedAs) != this) {
        return;
      }
      SHARED.remove(sharedAs);
      shutdown = null;
    }
    shutdown();
  }

  /** Closes the clients built here and shuts their event loops down; leaves the caller's client open. */
  private synchronized void shutdown() {
    closed = true;
    if (transferManager != null) {
      transferManager.close();
    }
    if (syncBuild != null) {
      syncBuild.thenAccept(S3Client::close); // never taken: close it once built
      syncBuild = null;
    }
    if (config != null) {
      for (AutoCloseable c : new AutoCloseable[] {client, http, sync}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.warn("{}: closing the S3 client failed", location, e);
          }
        }
      }
    }
    if (eventLoops != null) {
      // Netty's graceful shutdown (the channels' last callbacks still run in its quiet period),
      // but not waited for, unlike the client's own: the (daemon) threads end on their own
      eventLoops.eventLoopGroup().shutdownGracefully();
    }
  }

  private static S3AsyncClient unwrapMultipart(S3AsyncClient c) {
    S3AsyncClient cur = c;
    while (cur instanceof DelegatingS3AsyncClient d
        && d.getClass().getSimpleName().equals("MultipartS3AsyncClient")
        && d.delegate() instanceof S3AsyncClient inner) {
      cur = inner;
    }
    return cur;
  }

  private record ErrorContext(String bucket, String location, String endpointDescription,
      String regionDescription, String accessKeyDescription) implements S3Errors.Context {}
}
