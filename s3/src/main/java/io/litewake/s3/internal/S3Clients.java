package io.litewake.s3.internal;

import io.litewake.internal.Redact;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
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
 * upload ({@link IntegrityInterceptor}), paces throttled uploads ({@link PacedHttpClient}), and
 * runs on event loops of its own that {@link #close()}
 * shuts down without waiting for Netty's quiet period (a restore on boot would otherwise wait two
 * seconds in close). Custom endpoints get the compatible wire format: checksums only {@code
 * WHEN_REQUIRED} and no aws-chunked encoding. Immutable once built; the SDK clients are
 * thread-safe.
 */
public final class S3Clients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);

  private final S3AsyncClient client;
  private final S3AsyncClient plain;
  /** The HTTP client of a client built here (the S3 client does not close it), or null. */
  private final PacedHttpClient http;
  private final boolean ownsClient;
  /** The Netty event loops of a client built here, or null. */
  private final SdkEventLoopGroup eventLoops;
  private final IntegrityInterceptor integrity;
  private final S3Errors.Context context;
  private final String location;

  private software.amazon.awssdk.transfer.s3.S3TransferManager transferManager;

  private S3Clients(S3AsyncClient client, PacedHttpClient http, boolean ownsClient, SdkEventLoopGroup eventLoops,
      IntegrityInterceptor integrity, S3Errors.Context context, String location) {
    this.client = client;
    this.http = http;
    this.plain = unwrapMultipart(client);
    this.ownsClient = ownsClient;
    this.eventLoops = eventLoops;
    this.integrity = integrity;
    this.context = context;
    this.location = location;
  }

  /**
   * Takes the caller's client, or builds one.
   *
   * @param c the replica's configuration
   * @return the clients, closed by the replica
   */
  public static S3Clients create(S3Config c) {
    if (c.client() != null) {
      return new S3Clients(c.client(), null, false, null, null, new ErrorContext(c.bucket(), c.location(),
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
    // given to the client as built (the client does not close it): closed in close()
    PacedHttpClient http = new PacedHttpClient(
        NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(eventLoops)
            .maxConcurrency(Math.max(c.uploadConcurrency(), c.downloadConcurrency()) + 8)
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
            .httpClient(http)
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
    try {
      client = cb.build();
    } catch (RuntimeException | Error e) {
      http.close();
      eventLoops.eventLoopGroup().shutdownGracefully(); // its selectors are open already
      throw e;
    }
    return new S3Clients(client, http, true, eventLoops, integrity, new ErrorContext(
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
   * The HTTP client of a client built here, which paces registered uploads on their way out.
   *
   * @return the client, or {@code null} with the caller's client (uploads are paced as whole objects)
   */
  public PacedHttpClient pacing() {
    return http;
  }

  /**
   * What error messages say about the replica: endpoint, region and credentials in use.
   *
   * @return the context
   */
  public S3Errors.Context context() {
    return context;
  }

  /** Closes a client built here and shuts its event loops down; leaves the caller's client open. */
  @Override
  public void close() {
    synchronized (this) {
      if (transferManager != null) {
        transferManager.close();
      }
    }
    if (ownsClient) {
      try {
        client.close();
        if (http != null) {
          http.close();
        }
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
