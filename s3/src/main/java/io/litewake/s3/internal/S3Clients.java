package io.litewake.s3.internal;

import io.litewake.internal.Redact;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;

/**
 * The client factory: the SDK clients of one replica, either the caller's (used as is, never
 * closed) or built here. A built client is multipart-enabled with the replica's part size, signs
 * for the resolved region, retries with the standard strategy, puts a {@code Content-MD5} on every
 * upload ({@link IntegrityInterceptor}), and runs on event loops of its own that {@link #close()}
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

  private final S3AsyncClient client;
  private final S3AsyncClient plain;
  private final boolean ownsClient;
  /** The Netty event loops of a client built here, or null. */
  private final SdkEventLoopGroup eventLoops;
  private final IntegrityInterceptor integrity;
  private final S3Errors.Context context;
  private final String location;

  private software.amazon.awssdk.transfer.s3.S3TransferManager transferManager;
  /** The key in {@link #SHARED}, or null for a client that is not shared. */
  private List<Object> sharedAs;
  /** Replicas using this client (guarded by {@link #SHARED}). */
  private int users;
  private ScheduledFuture<?> shutdown;

  private S3Clients(S3AsyncClient client, boolean ownsClient, SdkEventLoopGroup eventLoops,
      IntegrityInterceptor integrity, S3Errors.Context context, String location) {
    this.client = client;
    this.plain = unwrapMultipart(client);
    this.ownsClient = ownsClient;
    this.eventLoops = eventLoops;
    this.integrity = integrity;
    this.context = context;
    this.location = location;
  }

  /**
   * Takes the caller's client, or the client built for the same store, location and credentials
   * in this process, or builds one.
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
      if (s != null) {
        s.take();
        return s;
      }
    }
    S3Clients built = create(c);
    S3Clients winner;
    synchronized (SHARED) {
      winner = SHARED.get(key);
      if (winner == null) {
        built.sharedAs = key;
        built.users = 1;
        SHARED.put(key, built);
        return built;
      }
      winner.take(); // another thread built the same meanwhile
    }
    built.shutdown();
    return winner;
  }

  /** How many clients this process built (for tests). */
  public static int built() {
    return BUILT.get();
  }

  /** What a shared client is built from, or null when it is not shared (the caller's client, test interceptors). */
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
   * Builds the clients of one replica (or wraps the caller's).
   *
   * @param c the replica's configuration
   * @return the clients
   */
  static S3Clients create(S3Config c) {
    if (c.client() != null) {
      return new S3Clients(c.client(), false, null, null, new ErrorContext(c.bucket(), c.location(),
          "the S3 client given to the builder", "the region of the S3 client given to the builder",
          "the credentials of the given S3 client"), c.location());
    }
    boolean custom = c.endpoint() != null;
    boolean pathStyle = c.forcePathStyle() != null ? c.forcePathStyle() : custom && c.arn() == null;
    IntegrityInterceptor integrity = new IntegrityInterceptor(c.location(), custom);
    AwsCredentialsProvider credentials =
        c.credentials() != null ? c.credentials() : DefaultCredentialsProvider.builder().build();
    // our own event loops: the client would close its own with Netty's two-second quiet
    // period, and a restore on boot would wait for it in close()
    AtomicInteger ioThreads = new AtomicInteger();
    SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder()
        .threadFactory(r -> {
          Thread t = new Thread(r, "litewake-s3-io-" + ioThreads.incrementAndGet());
          t.setDaemon(true);
          return t;
        })
        .build();
    long partSize = c.partSize();
    S3AsyncClientBuilder cb =
        S3AsyncClient.builder()
            .multipartEnabled(true)
            .multipartConfiguration(
                MultipartConfiguration.builder()
                    .thresholdInBytes(partSize)
                    .minimumPartSizeInBytes(partSize)
                    .apiCallBufferSizeInBytes(partSize * 2)
                    .build())
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(eventLoops)
                    .maxConcurrency(Math.max(c.uploadConcurrency(), c.downloadConcurrency()) + 8)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .readTimeout(Duration.ofSeconds(60))
                    .writeTimeout(Duration.ofSeconds(60))
                    .connectionAcquisitionTimeout(Duration.ofSeconds(60)))
            .region(c.region())
            .credentialsProvider(credentials)
            .addPlugin(LegacyMd5Plugin.create())
            .overrideConfiguration(
                o -> {
                  o.retryStrategy(
                      AwsRetryStrategy.standardRetryStrategy().toBuilder()
                          .maxAttempts(c.maxAttempts())
                          .build());
                  o.addExecutionInterceptor(integrity);
                  c.interceptors().forEach(o::addExecutionInterceptor);
                });
    S3Configuration.Builder s3conf = S3Configuration.builder().pathStyleAccessEnabled(pathStyle);
    if (custom) {
      // S3-compatible stores and mocks: no aws-chunked bodies, no flexible checksums they
      // may not understand; integrity comes from Content-MD5 (IntegrityInterceptor).
      cb.endpointOverride(c.endpoint())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      s3conf.chunkedEncodingEnabled(false);
    }
    cb.serviceConfiguration(s3conf.build());
    S3AsyncClient client;
    BUILT.incrementAndGet();
    try {
      client = cb.build();
    } catch (RuntimeException | Error e) {
      eventLoops.eventLoopGroup().shutdownGracefully(); // its selectors are open already
      throw e;
    }
    return new S3Clients(client, true, eventLoops, integrity, new ErrorContext(
        c.bucket(),
        c.location(),
        custom ? Redact.uri(c.endpoint()) : "AWS S3 in " + c.region().id(),
        c.region().id(),
        c.accessKeyDescription() != null ? c.accessKeyDescription()
            : c.credentials() != null ? "the given credentials provider"
            : "the AWS default credentials chain"), c.location());
  }

  /**
   * The client for uploads: multipart-enabled when built here.
   *
   * @return the client
   */
  public S3AsyncClient client() {
    return client;
  }

  /** The transfer manager over {@link #client()}, made on first use and shared by every replica of this client. */
  public synchronized software.amazon.awssdk.transfer.s3.S3TransferManager transferManager() {
    if (transferManager == null) {
      transferManager = software.amazon.awssdk.transfer.s3.S3TransferManager.builder().s3Client(client).build();
    }
    return transferManager;
  }

  /**
   * The client without the multipart wrapper, for every other request: GETs by part number are
   * not portable.
   *
   * @return the plain client
   */
  public S3AsyncClient plain() {
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
   * What error messages say about the replica: endpoint, region and credentials in use.
   *
   * @return the context
   */
  public S3Errors.Context context() {
    return context;
  }

  /**
   * Releases this user's hold: a client that is not shared (or whose last user this was, after
   * {@link #LINGER}) is closed and its event loops shut down; the caller's client stays open.
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

  /** Closes a client built here and shuts its event loops down; leaves the caller's client open. */
  private void shutdown() {
    synchronized (this) {
      if (transferManager != null) {
        transferManager.close();
      }
    }
    if (ownsClient) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the S3 client failed", location, e);
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
