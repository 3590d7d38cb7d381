package io.litewake.s3;

import io.litewake.LitewakeException;
import io.litewake.s3.internal.AccessPointArn;
import io.litewake.s3.internal.IntegrityInterceptor;
import io.litewake.s3.internal.S3Errors;
import io.litewake.s3.internal.S3Uri;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.FileTransformerConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.DelegatingS3AsyncClient;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.FileUpload;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * A {@link Replica} in an S3 bucket (or access point) on the AWS SDK v2, for AWS S3 and
 * S3-compatible stores (MinIO, R2, B2, S3Proxy, ...).
 *
 * <p>Uploads go through the {@link S3TransferManager} over the SDK's Java multipart {@link
 * S3AsyncClient}: objects larger than the part size upload as parallel parts. Every request
 * Litewake makes carries a {@code Content-MD5} of the bytes it sends (per part for multipart
 * uploads), so a store or proxy that changes a byte fails the upload; ETags that are MD5s are
 * checked too. Downloads fetch byte ranges in parallel straight into the target file. Memory
 * stays bounded whatever the object size.
 *
 * <p>Only four IAM actions are used: {@code s3:ListBucket} (always with a prefix ending in
 * {@code /}), {@code s3:GetObject}, {@code s3:PutObject} and {@code s3:DeleteObject}; restoring
 * needs only the first two. {@link S3IamPolicy} prints that policy.
 *
 * <p>Create one from a URI with {@link #fromUri(URI)} (or Litewake's
 * {@code to(URI)}, through {@link S3ReplicaProvider}), or with {@link #builder()}.
 */
public final class S3Replica implements Replica {

  private static final Logger LOG = LoggerFactory.getLogger(S3Replica.class);
  private static final long MIB = 1024L * 1024L;
  private static final int DELETE_BATCH = 1000;

  /** The default multipart part size and download range size: 8 MiB. */
  public static final long DEFAULT_PART_SIZE = 8 * MIB;
  /** The smallest part size S3 accepts: 5 MiB. */
  public static final long MIN_PART_SIZE = 5 * MIB;
  /** The default number of parts uploaded (and ranges downloaded) at once: 4. */
  public static final int DEFAULT_CONCURRENCY = 4;
  /** The default number of attempts of one request, retries included: 5. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final S3AsyncClient client;
  /** {@link #client} without the multipart wrapper: GETs by part number are not portable. */
  private final S3AsyncClient plain;
  private final boolean ownsClient;
  /** The Netty event loops of a client built here (shut down by close()), or null. */
  private final SdkEventLoopGroup eventLoops;
  private final S3TransferManager transferManager;
  private final IntegrityInterceptor integrity;
  private final String bucket;
  private final String keyPrefix;
  private final String location;
  private final StorageClass snapshotStorageClass;
  private final StorageClass walStorageClass;
  private final ServerSideEncryption sse;
  private final String kmsKeyId;
  private final String sseCustomerKey;
  private final String sseCustomerKeyMd5;
  private final long partSize;
  private final int downloadConcurrency;
  private final ErrorContext errorContext;

  private S3Replica(Builder b, String location) {
    this.bucket = b.bucket;
    String prefix = b.prefix == null ? "" : b.prefix;
    this.keyPrefix = prefix.isEmpty() ? "" : prefix + "/";
    this.location = location;
    this.snapshotStorageClass = b.snapshotStorageClass;
    this.walStorageClass = b.walStorageClass;
    this.sse = b.sse;
    this.kmsKeyId = b.kmsKeyId;
    if (b.customerKey != null) {
      this.sseCustomerKey = Base64.getEncoder().encodeToString(b.customerKey);
      this.sseCustomerKeyMd5 = Base64.getEncoder().encodeToString(md5(b.customerKey));
    } else {
      this.sseCustomerKey = null;
      this.sseCustomerKeyMd5 = null;
    }
    this.partSize = b.partSize == null ? DEFAULT_PART_SIZE : b.partSize;
    int uploadConcurrency = b.uploadConcurrency == null ? DEFAULT_CONCURRENCY : b.uploadConcurrency;
    this.downloadConcurrency =
        b.downloadConcurrency == null ? DEFAULT_CONCURRENCY : b.downloadConcurrency;
    Region region = null;
    if (b.asyncClient != null) {
      this.client = b.asyncClient;
      this.ownsClient = false;
      this.eventLoops = null;
      this.integrity = null;
      this.errorContext = new ErrorContext(bucket, location, "the S3 client given to the builder",
          "the region of the S3 client given to the builder", "the credentials of the given S3 client");
    } else {
      region = resolveRegion(b);
      boolean custom = b.endpoint != null;
      boolean pathStyle = b.forcePathStyle != null ? b.forcePathStyle : custom && b.arn == null;
      this.integrity = new IntegrityInterceptor(location, custom);
      AwsCredentialsProvider credentials =
          b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
      int maxAttempts = b.maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : b.maxAttempts;
      // our own event loops: the client would close its own with Netty's two-second quiet
      // period, and a restore on boot would wait for it in close()
      java.util.concurrent.atomic.AtomicInteger ioThreads = new java.util.concurrent.atomic.AtomicInteger();
      this.eventLoops = SdkEventLoopGroup.builder()
          .threadFactory(r -> {
            Thread t = new Thread(r, "litewake-s3-io-" + ioThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
          })
          .build();
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
                      .maxConcurrency(Math.max(uploadConcurrency, downloadConcurrency) + 8)
                      .connectionTimeout(Duration.ofSeconds(10))
                      .readTimeout(Duration.ofSeconds(60))
                      .writeTimeout(Duration.ofSeconds(60))
                      .connectionAcquisitionTimeout(Duration.ofSeconds(60)))
              .region(region)
              .credentialsProvider(credentials)
              .addPlugin(LegacyMd5Plugin.create())
              .overrideConfiguration(
                  o -> {
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(maxAttempts)
                            .build());
                    o.addExecutionInterceptor(integrity);
                    b.extraInterceptors.forEach(o::addExecutionInterceptor);
                  });
      S3Configuration.Builder s3conf = S3Configuration.builder().pathStyleAccessEnabled(pathStyle);
      if (custom) {
        // S3-compatible stores and mocks: no aws-chunked bodies, no flexible checksums they
        // may not understand; integrity comes from Content-MD5 (IntegrityInterceptor).
        cb.endpointOverride(b.endpoint)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        s3conf.chunkedEncodingEnabled(false);
      }
      cb.serviceConfiguration(s3conf.build());
      try {
        this.client = cb.build();
      } catch (RuntimeException | Error e) {
        eventLoops.eventLoopGroup().shutdownGracefully(); // its selectors are open already
        throw e;
      }
      this.ownsClient = true;
      this.errorContext = new ErrorContext(
          bucket,
          location,
          custom ? b.endpoint.toString() : "AWS S3 in " + region.id(),
          region.id(),
          b.accessKeyDescription != null ? b.accessKeyDescription
              : b.credentials != null ? "the given credentials provider"
              : "the AWS default credentials chain");
    }
    this.plain = unwrapMultipart(client);
    this.transferManager = S3TransferManager.builder().s3Client(client).build();
    LOG.info("{}: S3 replica opened ({}, part size {} MiB, upload concurrency {})",
        location, errorContext.endpointDescription(), partSize / MIB, uploadConcurrency);
  }

  /**
   * Starts a builder for a replica configured in code.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder from a replica URI, {@code s3://BUCKET/PREFIX?params} or {@code
   * s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME[/PREFIX]?params}; options the URI does not
   * set can then be set in code.
   *
   * <p>Query parameters (named as TiDB BR names them): {@code endpoint} (URL of an S3-compatible
   * store; enables path-style addressing and the compatible wire format), {@code region}, {@code
   * force-path-style} ({@code true}/{@code false}), {@code storage-class} (for snapshots and WAL
   * segments), {@code sse} ({@code AES256} or {@code aws:kms}), {@code sse-kms-key-id}, {@code
   * access-key} and {@code secret-access-key} (otherwise the AWS default credentials chain).
   *
   * @param uri the replica URI
   * @return a builder holding what the URI says
   * @throws LitewakeException if the URI is malformed or has an unknown or bad parameter; the
   *     message names it
   */
  public static Builder fromUri(URI uri) {
    S3Uri parsed = S3Uri.parse(uri);
    String masked = S3Uri.maskQuery(uri.toString());
    Builder b = new Builder();
    b.location = masked;
    b.bucket = parsed.bucket();
    b.prefix = parsed.prefix();
    b.arn = parsed.accessPoint();
    Map<String, String> p = parsed.parameters();
    try {
      if (p.containsKey("endpoint")) {
        b.endpoint(parseEndpoint(p.get("endpoint")));
      }
      if (p.containsKey("region")) {
        b.region(p.get("region"));
      }
      if (p.containsKey("force-path-style")) {
        String v = p.get("force-path-style").toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
          throw new IllegalArgumentException(
              "force-path-style must be true or false, not '" + p.get("force-path-style") + "'");
        }
        b.forcePathStyle(Boolean.parseBoolean(v));
      }
      if (p.containsKey("storage-class")) {
        b.storageClass(parseStorageClass(p.get("storage-class")));
      }
      String sse = p.get("sse");
      String kmsKey = p.get("sse-kms-key-id");
      if (sse != null) {
        if (sse.equals("AES256")) {
          if (kmsKey != null) {
            throw new IllegalArgumentException(
                "sse-kms-key-id is given but sse is AES256; use sse=aws:kms with a KMS key");
          }
          b.sseS3();
        } else if (sse.equals("aws:kms")) {
          b.sseKms(kmsKey);
        } else {
          throw new IllegalArgumentException(
              "sse must be AES256 or aws:kms, not '" + sse + "'");
        }
      } else if (kmsKey != null) {
        throw new IllegalArgumentException(
            "sse-kms-key-id is given without sse=aws:kms; add sse=aws:kms");
      }
      String ak = p.get("access-key");
      String sk = p.get("secret-access-key");
      if ((ak == null) != (sk == null)) {
        throw new IllegalArgumentException(
            "access-key and secret-access-key go together: give both or neither (then the AWS"
                + " default credentials chain is used)");
      }
      if (ak != null) {
        b.credentials(ak, sk);
      }
    } catch (IllegalArgumentException | LitewakeException e) {
      throw new LitewakeException("bad s3 replica URI " + masked + ": " + e.getMessage(), e);
    }
    return b;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null (use \"\" for every object)");
    }
    if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
      throw new IllegalArgumentException(
          "prefix must be empty or end with '/' and not start with one: '" + prefix + "'");
    }
    String full = keyPrefix + prefix;
    List<StoredObject> result = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket);
      if (!full.isEmpty()) {
        req.prefix(full);
      }
      if (token != null) {
        req.continuationToken(token);
      }
      ListObjectsV2Response resp =
          await(plain.listObjectsV2(req.build()), "s3:ListBucket", where(full));
      for (S3Object o : resp.contents()) {
        String key = o.key();
        if (!key.startsWith(keyPrefix) || key.endsWith("/")) {
          continue;
        }
        result.add(new StoredObject(key.substring(keyPrefix.length()), o.size(), o.lastModified()));
      }
      token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
    } while (token != null);
    return result;
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    return put(key, source, false);
  }

  /**
   * Uploads with {@code If-None-Match: *} (also on the completion of a multipart upload):
   * returns null when the store answers 412 because the key exists. Stores that ignore the
   * header (older S3-compatible servers, mocks) overwrite; Litewake's writer claim still fences
   * a second writer there.
   */
  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    try {
      return put(key, source, true);
    } catch (IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e && s3e.statusCode() == 412) {
          return null;
        }
      }
      throw e;
    }
  }

  private StoredObject put(String key, Path source, boolean ifAbsent) throws IOException {
    checkKey(key);
    if (source == null) {
      throw new IllegalArgumentException("source must not be null");
    }
    long size = Files.size(source);
    String full = keyPrefix + key;
    PutObjectRequest.Builder req =
        PutObjectRequest.builder().bucket(bucket).key(full).contentType("application/octet-stream");
    if (ifAbsent) {
      req.ifNoneMatch("*");
    }
    StorageClass sc = storageClassFor(full);
    if (sc != null) {
      req.storageClass(sc);
    }
    if (sse != null) {
      req.serverSideEncryption(sse);
      if (kmsKeyId != null) {
        req.ssekmsKeyId(kmsKeyId);
      }
    }
    if (sseCustomerKey != null) {
      req.sseCustomerAlgorithm("AES256").sseCustomerKey(sseCustomerKey).sseCustomerKeyMD5(sseCustomerKeyMd5);
    }
    boolean etagIsMd5 = sse != ServerSideEncryption.AWS_KMS && sseCustomerKey == null;
    long started = System.nanoTime();
    if (integrity != null) {
      integrity.register(full, new IntegrityInterceptor.Upload(source, size, partSize, etagIsMd5));
    }
    boolean verifiedWhole = false;
    try {
      FileUpload upload =
          transferManager.uploadFile(
              UploadFileRequest.builder().putObjectRequest(req.build()).source(source).build());
      await(upload.completionFuture(), "s3:PutObject", where(full));
      verifiedWhole = integrity != null && integrity.verifiedWhole(full);
    } finally {
      if (integrity != null) {
        integrity.unregister(full);
      }
    }
    if (verifiedWhole) {
      // the store answered with the MD5 of exactly the bytes sent: nothing to read back
      if (LOG.isDebugEnabled()) {
        LOG.debug("{}: put {} ({} bytes, ETag verified) in {} ms", location, key, size,
            (System.nanoTime() - started) / 1_000_000);
      }
      return new StoredObject(key, size, Instant.now());
    }
    HeadObjectResponse head = head(full);
    if (head.contentLength() == null || head.contentLength() != size) {
      throw new IOException(
          "upload of " + where(full) + " is damaged: the store holds " + head.contentLength()
              + " bytes but " + size + " were sent; check the store (it must support multipart"
              + " uploads and the compatible wire format)");
    }
    if (integrity == null && etagIsMd5 && head.eTag() != null) {
      String etag = head.eTag().replace("\"", "").toLowerCase(Locale.ROOT);
      if (etag.matches("[0-9a-f]{32}")) {
        String expected = HexFormat.of().formatHex(IntegrityInterceptor.md5(source, 0, size));
        if (!etag.equals(expected)) {
          throw new IOException(
              "upload of " + where(full) + " was corrupted in transit: the store reports MD5 "
                  + etag + " but the file has MD5 " + expected);
        }
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: put {} ({} bytes) in {} ms", location, key, size,
          (System.nanoTime() - started) / 1_000_000);
    }
    return new StoredObject(key, size, head.lastModified());
  }

  /** Bytes per ranged GET of a streamed read ({@link #open(StoredObject)}). */
  static final int STREAM_RANGE = (int) (4 * MIB);
  /** Ranged GETs a streamed read keeps in flight at most: its memory is this times the range. */
  static final int STREAM_AHEAD = 4;

  /**
   * Streams a listed object with parallel ranged GETs read in order, a few ranges ahead (at most
   * {@value #STREAM_AHEAD} × 4 MiB in memory), checking each range's length and that the object
   * does not change; objects of one range or less are read with one GET.
   */
  @Override
  public InputStream open(StoredObject object) throws IOException {
    if (object == null) {
      throw new IllegalArgumentException("object must not be null");
    }
    checkKey(object.key());
    if (object.size() <= STREAM_RANGE) {
      return open(object.key());
    }
    return new RangedStream(keyPrefix + object.key(), object.size());
  }

  /**
   * What is wrong with the answer to one ranged GET, or null: it must hold the bytes asked for,
   * of an object still {@code size} bytes long, with the ETag of the first range.
   *
   * @param got the bytes received (null if the store did not say)
   * @param firstEtag the ETag of the first range answered, or null
   */
  private static String rangeProblem(GetObjectResponse resp, Long got, long start, long expected, long size,
      String firstEtag) {
    if (got == null || got != expected) {
      return "range at " + start + " returned " + got + " bytes, expected " + expected
          + " (does the store support Range requests?)";
    }
    if (resp.contentRange() != null && !resp.contentRange().endsWith("/" + size)) {
      return "the object is no longer " + size + " bytes long (Content-Range " + resp.contentRange()
          + "); it changed since it was listed";
    }
    if (resp.eTag() != null && firstEtag != null && !resp.eTag().equals(firstEtag)) {
      return "the object changed during the download (ETag " + resp.eTag() + " vs " + firstEtag + ")";
    }
    return null;
  }

  /**
   * One ranged GET answered into a given array (a buffer of the stream, reused range after
   * range): no growing copies, no 4 MiB garbage per range. A retry gets an array of its own, so
   * that a superseded attempt still delivering bytes cannot write into the one that answers.
   */
  private static final class IntoArray
      implements AsyncResponseTransformer<GetObjectResponse, IntoArray> {
    private final byte[] pooled;
    private int attempts;
    /** The array and length of the attempt that answered (valid once the future completed). */
    volatile byte[] buffer;
    volatile int length;
    volatile GetObjectResponse response;
    private volatile CompletableFuture<IntoArray> done;

    IntoArray(byte[] pooled) {
      this.pooled = pooled;
    }

    @Override
    public synchronized CompletableFuture<IntoArray> prepare() {
      buffer = attempts++ == 0 ? pooled : new byte[pooled.length];
      length = 0;
      done = new CompletableFuture<>();
      return done;
    }

    @Override
    public void onResponse(GetObjectResponse r) {
      response = r;
    }

    @Override
    public void onStream(software.amazon.awssdk.core.async.SdkPublisher<java.nio.ByteBuffer> publisher) {
      CompletableFuture<IntoArray> f = done;
      byte[] target = buffer;
      publisher.subscribe(new org.reactivestreams.Subscriber<java.nio.ByteBuffer>() {
        private org.reactivestreams.Subscription subscription;
        private int filled;
        private boolean over;

        @Override
        public void onSubscribe(org.reactivestreams.Subscription s) {
          subscription = s;
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.nio.ByteBuffer b) {
          if (over) {
            return;
          }
          int n = b.remaining();
          if (n > target.length - filled) {
            over = true;
            subscription.cancel();
            f.completeExceptionally(new IOException("range answered with more than the " + target.length
                + " bytes asked for (does the store support Range requests?)"));
            return;
          }
          b.get(target, filled, n);
          filled += n;
        }

        @Override
        public void onError(Throwable t) {
          over = true;
          f.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          if (over) {
            return;
          }
          over = true;
          synchronized (IntoArray.this) {
            if (done == f) { // still the current attempt
              length = filled;
            }
          }
          f.complete(IntoArray.this);
        }
      });
    }

    @Override
    public void exceptionOccurred(Throwable error) {
      CompletableFuture<IntoArray> f = done;
      if (f != null) {
        f.completeExceptionally(error);
      }
    }
  }

  /** An object read as consecutive ranges, fetched ahead in parallel into reused buffers. */
  private final class RangedStream extends InputStream {
    private final String full;
    private final long size;
    private final java.util.ArrayDeque<CompletableFuture<IntoArray>> ahead = new java.util.ArrayDeque<>();
    /** Buffers no request writes to and the reader no longer reads from. */
    private final java.util.ArrayDeque<byte[]> free = new java.util.ArrayDeque<>();
    private long requested;
    private long delivered;
    private byte[] current;
    private int currentLength;
    private int pos;
    private String etag;
    private IOException failed;

    RangedStream(String full, long size) {
      this.full = full;
      this.size = size;
      fill();
    }

    private void fill() {
      int limit = Math.min(STREAM_AHEAD, downloadConcurrency);
      while (ahead.size() < limit && requested < size) {
        long end = Math.min(size, requested + STREAM_RANGE) - 1;
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(full)
            .range("bytes=" + requested + "-" + end);
        applySseC(req);
        byte[] buffer = free.isEmpty() ? new byte[STREAM_RANGE] : free.pop();
        ahead.add(plain.getObject(req.build(), new IntoArray(buffer)));
        requested = end + 1;
      }
    }

    /** Makes bytes available in {@code current}; false at the end of the object. */
    private boolean advance() throws IOException {
      if (failed != null) {
        throw failed; // never a short read or a silent end after a failed range
      }
      if (current != null && pos < currentLength) {
        return true;
      }
      if (delivered >= size) {
        return false;
      }
      if (ahead.isEmpty()) {
        throw new IOException("read of " + where(full) + " after close");
      }
      if (current != null) {
        free.push(current); // read to its end: the next request may fill it
        current = null;
      }
      IntoArray range;
      try {
        range = await(ahead.poll(), "s3:GetObject", where(full));
      } catch (IOException e) {
        failed = e;
        close();
        throw e;
      }
      GetObjectResponse resp = range.response;
      long expected = Math.min(STREAM_RANGE, size - delivered);
      if (etag == null) {
        etag = resp.eTag();
      }
      String problem = rangeProblem(resp, (long) range.length, delivered, expected, size, etag);
      if (problem != null) {
        failed = new IOException("download of " + where(full) + " failed: " + problem);
        close();
        throw failed;
      }
      current = range.buffer;
      currentLength = range.length;
      pos = 0;
      delivered += range.length;
      fill();
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!advance()) {
        return -1;
      }
      return current[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!advance()) {
        return -1;
      }
      int n = Math.min(len, currentLength - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() {
      ahead.forEach(f -> f.cancel(true));
      ahead.clear();
      free.clear();
      current = null;
      requested = size;
      delivered = size;
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    checkKey(key);
    String full = keyPrefix + key;
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(full);
    applySseC(req);
    ResponseInputStream<GetObjectResponse> in =
        await(plain.getObject(req.build(), AsyncResponseTransformer.toBlockingInputStream()),
            "s3:GetObject", where(full));
    return in;
  }

  @Override
  public void download(StoredObject object, Path target) throws IOException {
    if (object == null || target == null) {
      throw new IllegalArgumentException("object and target must not be null");
    }
    checkKey(object.key());
    String full = keyPrefix + object.key();
    long size = object.size();
    long started = System.nanoTime();
    boolean ok = false;
    try {
      if (size <= partSize) {
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(full);
        applySseC(req);
        GetObjectResponse resp = await(
            plain.getObject(req.build(), AsyncResponseTransformer.toFile(target,
                FileTransformerConfiguration.builder()
                    .fileWriteOption(FileTransformerConfiguration.FileWriteOption.CREATE_OR_REPLACE_EXISTING)
                    .failureBehavior(FileTransformerConfiguration.FailureBehavior.DELETE)
                    .build())),
            "s3:GetObject", where(full));
        long got = Files.size(target);
        if (resp.contentLength() != null && resp.contentLength() != got) {
          throw new IOException("download of " + where(full) + " is truncated: got " + got
              + " of " + resp.contentLength() + " bytes");
        }
      } else {
        downloadRanges(full, size, target);
      }
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(target);
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: downloaded {} ({} bytes) in {} ms", location, object.key(), size,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  private void downloadRanges(String full, long size, Path target) throws IOException {
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.force(false);
    }
    Semaphore slots = new Semaphore(downloadConcurrency);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<String> etag = new AtomicReference<>();
    List<CompletableFuture<GetObjectResponse>> futures = new ArrayList<>();
    try {
      for (long start = 0; start < size && failure.get() == null; start += partSize) {
        long end = Math.min(size, start + partSize) - 1;
        slots.acquire();
        if (failure.get() != null) {
          slots.release();
          break;
        }
        GetObjectRequest.Builder req =
            GetObjectRequest.builder().bucket(bucket).key(full).range("bytes=" + start + "-" + end);
        applySseC(req);
        long expectedLength = end - start + 1;
        CompletableFuture<GetObjectResponse> f = plain.getObject(req.build(),
            AsyncResponseTransformer.toFile(target, FileTransformerConfiguration.builder()
                .fileWriteOption(FileTransformerConfiguration.FileWriteOption.WRITE_TO_POSITION)
                .position(start)
                .failureBehavior(FileTransformerConfiguration.FailureBehavior.LEAVE)
                .build()));
        long rangeStart = start;
        f.whenComplete((resp, t) -> {
          slots.release();
          if (t != null) {
            failure.compareAndSet(null, t);
            return;
          }
          String first = resp.eTag() == null ? etag.get() : etag.updateAndGet(e -> e == null ? resp.eTag() : e);
          String problem = rangeProblem(resp, resp.contentLength(), rangeStart, expectedLength, size, first);
          if (problem != null) {
            failure.compareAndSet(null, new IOException("download of " + where(full) + " failed: " + problem));
          }
        });
        futures.add(f);
      }
      for (CompletableFuture<GetObjectResponse> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // recorded in failure by whenComplete
        }
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + where(full) + " was interrupted");
    }
    Throwable t = failure.get();
    if (t != null) {
      futures.forEach(f -> f.cancel(true));
      throw S3Errors.translate(t, "s3:GetObject", where(full), errorContext);
    }
    long got = Files.size(target);
    if (got != size) {
      throw new IOException("download of " + where(full) + " wrote " + got + " bytes, expected " + size);
    }
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    if (keys == null) {
      throw new IllegalArgumentException("keys must not be null");
    }
    List<String> all = new ArrayList<>(keys);
    for (String k : all) {
      checkKey(k);
    }
    for (int i = 0; i < all.size(); i += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String k : all.subList(i, Math.min(all.size(), i + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(keyPrefix + k).build());
      }
      DeleteObjectsRequest req = DeleteObjectsRequest.builder().bucket(bucket)
          .delete(Delete.builder().objects(batch).quiet(true).build()).build();
      String first = where(batch.get(0).key()) + (batch.size() > 1 ? " and " + (batch.size() - 1) + " more" : "");
      DeleteObjectsResponse resp = await(plain.deleteObjects(req), "s3:DeleteObject", first);
      if (resp.hasErrors() && !resp.errors().isEmpty()) {
        S3Error e = resp.errors().get(0);
        String what = where(e.key());
        if ("AccessDenied".equals(e.code())) {
          throw new java.nio.file.AccessDeniedException(what, null,
              "access denied: s3:DeleteObject on " + what + " is not allowed for "
                  + errorContext.accessKeyDescription() + "; grant s3:DeleteObject on the replica"
                  + " prefix (S3IamPolicy.replicate(uri) prints the minimal policy)"
                  + (resp.errors().size() > 1 ? " (" + resp.errors().size() + " keys failed)" : ""));
        }
        for (S3Error err : resp.errors()) {
          if ("NoSuchKey".equals(err.code())) {
            continue;
          }
          // some stores (s3mock) fail to delete a key that does not exist: that is success
          try {
            head(err.key());
          } catch (java.nio.file.NoSuchFileException gone) {
            continue;
          }
          throw new IOException("s3:DeleteObject on " + where(err.key()) + " failed: " + err.code() + ": "
              + err.message() + (resp.errors().size() > 1 ? " (" + resp.errors().size() + " keys failed)" : ""));
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      transferManager.close();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the transfer manager failed", location, e);
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

  @Override
  public String toString() {
    return "S3Replica[" + location + "]";
  }

  private HeadObjectResponse head(String full) throws IOException {
    HeadObjectRequest.Builder req = HeadObjectRequest.builder().bucket(bucket).key(full);
    if (sseCustomerKey != null) {
      req.sseCustomerAlgorithm("AES256").sseCustomerKey(sseCustomerKey).sseCustomerKeyMD5(sseCustomerKeyMd5);
    }
    return await(plain.headObject(req.build()), "s3:GetObject", where(full));
  }

  private void applySseC(GetObjectRequest.Builder req) {
    if (sseCustomerKey != null) {
      req.sseCustomerAlgorithm("AES256").sseCustomerKey(sseCustomerKey).sseCustomerKeyMD5(sseCustomerKeyMd5);
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

  private StorageClass storageClassFor(String fullKey) {
    if (fullKey.contains("/snapshots/")) {
      return snapshotStorageClass;
    }
    if (fullKey.contains("/wal/")) {
      return walStorageClass;
    }
    return null;
  }

  private String where(String fullKey) {
    return "s3://" + bucket + "/" + fullKey;
  }

  private <T> T await(CompletableFuture<T> future, String action, String what) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      InterruptedIOException ie = new InterruptedIOException(action + " on " + what + " was interrupted");
      ie.initCause(e);
      throw ie;
    } catch (ExecutionException e) {
      throw S3Errors.translate(e.getCause(), action, what, errorContext);
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, action, what, errorContext);
    }
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/")) {
      throw new IllegalArgumentException("key must be non-empty and not start with '/': '" + key + "'");
    }
  }

  private static Region resolveRegion(Builder b) {
    if (b.region != null) {
      return b.region;
    }
    if (b.arn != null) {
      return Region.of(b.arn.region());
    }
    if (b.endpoint != null) {
      return Region.US_EAST_1; // S3-compatible stores mostly ignore it; set region= if yours does not
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      throw new LitewakeException(
          "no AWS region for " + b.describe() + ": add region=... to the replica URI (or call"
              + " region(...) on the builder), or set AWS_REGION", e);
    }
  }

  private static URI parseEndpoint(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint is not a URL: '" + value + "'");
    }
    return uri;
  }

  private static StorageClass parseStorageClass(String value) {
    StorageClass sc = StorageClass.fromValue(value.toUpperCase(Locale.ROOT));
    if (sc == StorageClass.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("unknown storage-class '" + value + "'; valid: "
          + StorageClass.knownValues());
    }
    return sc;
  }

  private static byte[] md5(byte[] data) {
    try {
      return java.security.MessageDigest.getInstance("MD5").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record ErrorContext(String bucket, String location, String endpointDescription,
      String regionDescription, String accessKeyDescription) implements S3Errors.Context {}

  /**
   * Configures an {@link S3Replica}. Every option is validated when it is set (the message names
   * the bad value) and may be set only once; {@link #build()} checks options against each other.
   * Either give your own {@link S3AsyncClient} with {@link #client(S3AsyncClient)}, or let the
   * builder create one from the region, endpoint and credentials options.
   */
  public static final class Builder {
    private String location;
    private String bucket;
    private String prefix;
    private AccessPointArn arn;
    private S3AsyncClient asyncClient;
    private AwsCredentialsProvider credentials;
    private String accessKeyDescription;
    private Region region;
    private URI endpoint;
    private Boolean forcePathStyle;
    private StorageClass snapshotStorageClass;
    private StorageClass walStorageClass;
    private boolean storageClassSet;
    private ServerSideEncryption sse;
    private String kmsKeyId;
    private byte[] customerKey;
    private boolean encryptionSet;
    private Long partSize;
    private Integer uploadConcurrency;
    private Integer downloadConcurrency;
    private Integer maxAttempts;
    private final List<ExecutionInterceptor> extraInterceptors = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the bucket, or an access point ARN ({@code arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME}).
     *
     * @param bucket the bucket name or access point ARN
     * @return this builder
     * @throws IllegalArgumentException if null, malformed or already set
     */
    public Builder bucket(String bucket) {
      requireNonNull(bucket, "bucket");
      requireUnset(this.bucket, "bucket", this.bucket);
      if (bucket.startsWith("arn:")) {
        S3Uri parsed = S3Uri.parse(URI.create("s3://" + bucket));
        this.arn = parsed.accessPoint();
        this.bucket = parsed.bucket();
      } else {
        if (!bucket.matches("[a-zA-Z0-9._-]+")) {
          throw new IllegalArgumentException("invalid bucket name: '" + bucket + "'");
        }
        this.bucket = bucket;
      }
      return this;
    }

    /**
     * Sets the key prefix under which the replica lives (leading and trailing slashes are
     * ignored); default: the bucket root.
     *
     * @param prefix the prefix, such as {@code apps/orders}
     * @return this builder
     * @throws IllegalArgumentException if null, has an empty segment, or already set
     */
    public Builder prefix(String prefix) {
      requireNonNull(prefix, "prefix");
      requireUnset(this.prefix, "prefix", this.prefix);
      try {
        this.prefix = S3Uri.normalizePrefix(prefix);
      } catch (LitewakeException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      return this;
    }

    /**
     * Uses your own client for every request instead of one built by Litewake. Build it with
     * {@code multipartEnabled(true)} so large objects upload in parallel parts; for
     * S3-compatible stores use {@code requestChecksumCalculation(WHEN_REQUIRED)}, {@code
     * responseChecksumValidation(WHEN_REQUIRED)} and {@code chunkedEncodingEnabled(false)}.
     * Litewake does not close it. With your own client, uploads are verified by size and by
     * MD5 ETag after the fact rather than with {@code Content-MD5}. Excludes the region,
     * endpoint, path-style, credentials, concurrency and attempts options.
     *
     * @param client the client
     * @return this builder
     * @throws IllegalArgumentException if null or already set
     */
    public Builder client(S3AsyncClient client) {
      requireNonNull(client, "client");
      requireUnset(this.asyncClient, "client", this.asyncClient);
      this.asyncClient = client;
      return this;
    }

    /**
     * Uses these credentials instead of the AWS default credentials chain.
     *
     * @param provider the credentials provider
     * @return this builder
     * @throws IllegalArgumentException if null or credentials are already set
     */
    public Builder credentials(AwsCredentialsProvider provider) {
      requireNonNull(provider, "credentials");
      requireUnset(this.credentials, "credentials", this.accessKeyDescription);
      this.credentials = provider;
      return this;
    }

    /**
     * Uses a static access key for this replica only.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key (never logged)
     * @return this builder
     * @throws IllegalArgumentException if either is null or empty, or credentials are already set
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      requireNonNull(accessKeyId, "accessKeyId");
      requireNonNull(secretAccessKey, "secretAccessKey");
      if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
        throw new IllegalArgumentException("access key id and secret access key must not be empty");
      }
      requireUnset(this.credentials, "credentials", this.accessKeyDescription);
      this.credentials =
          StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
      this.accessKeyDescription = "access key " + S3Uri.maskAccessKey(accessKeyId);
      return this;
    }

    /**
     * Sets the region requests are signed for. Default: the access point's region, {@code
     * us-east-1} with a custom endpoint, else the AWS default region chain. Litewake never asks
     * S3 for a bucket's region (that needs {@code s3:GetBucketLocation}).
     *
     * @param region a region id such as {@code eu-west-1}
     * @return this builder
     * @throws IllegalArgumentException if null, malformed or already set
     */
    public Builder region(String region) {
      requireNonNull(region, "region");
      if (!region.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new IllegalArgumentException("invalid region: '" + region + "' (expected e.g. us-east-1)");
      }
      return region(Region.of(region));
    }

    /**
     * Sets the region requests are signed for.
     *
     * @param region the region
     * @return this builder
     * @throws IllegalArgumentException if null or already set
     * @see #region(String)
     */
    public Builder region(Region region) {
      requireNonNull(region, "region");
      requireUnset(this.region, "region", this.region);
      this.region = region;
      return this;
    }

    /**
     * Sends requests to an S3-compatible store (MinIO, R2, B2, S3Proxy, a mock) instead of AWS.
     * Such endpoints get the compatible wire format (checksums only when required, no
     * aws-chunked bodies) and path-style addressing unless {@link #forcePathStyle(boolean)}
     * says otherwise.
     *
     * @param endpoint an {@code http} or {@code https} URL
     * @return this builder
     * @throws IllegalArgumentException if null, not http(s), or already set
     */
    public Builder endpoint(URI endpoint) {
      requireNonNull(endpoint, "endpoint");
      String scheme = endpoint.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || endpoint.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an http:// or https:// URL with a host, not '" + endpoint + "'");
      }
      requireUnset(this.endpoint, "endpoint", this.endpoint);
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Chooses path-style ({@code https://host/bucket/key}) over virtual-hosted addressing.
     * Default: path style with a custom endpoint, virtual-hosted on AWS.
     *
     * @param pathStyle whether to use path-style addressing
     * @return this builder
     * @throws IllegalArgumentException if already set
     */
    public Builder forcePathStyle(boolean pathStyle) {
      requireUnset(this.forcePathStyle, "forcePathStyle", this.forcePathStyle);
      this.forcePathStyle = pathStyle;
      return this;
    }

    /**
     * Sets the storage class of snapshots and WAL segments alike.
     *
     * @param storageClass the storage class
     * @return this builder
     * @throws IllegalArgumentException if null, unknown, or a storage class is already set
     */
    public Builder storageClass(StorageClass storageClass) {
      checkStorageClass(storageClass, "storageClass");
      if (storageClassSet || snapshotStorageClass != null || walStorageClass != null) {
        throw new IllegalArgumentException("storage class was already set; storageClass(" + storageClass
            + ") would override snapshots=" + snapshotStorageClass + ", wal=" + walStorageClass);
      }
      storageClassSet = true;
      this.snapshotStorageClass = storageClass;
      this.walStorageClass = storageClass;
      return this;
    }

    /**
     * Sets the storage class of snapshots (keys holding {@code /snapshots/}).
     *
     * @param storageClass the storage class, such as {@code STANDARD_IA}
     * @return this builder
     * @throws IllegalArgumentException if null, unknown or already set
     */
    public Builder snapshotStorageClass(StorageClass storageClass) {
      checkStorageClass(storageClass, "snapshotStorageClass");
      requireUnset(storageClassSet ? "" : snapshotStorageClass, "snapshot storage class", snapshotStorageClass);
      this.snapshotStorageClass = storageClass;
      return this;
    }

    /**
     * Sets the storage class of WAL segments (keys holding {@code /wal/}).
     *
     * @param storageClass the storage class
     * @return this builder
     * @throws IllegalArgumentException if null, unknown or already set
     */
    public Builder walStorageClass(StorageClass storageClass) {
      checkStorageClass(storageClass, "walStorageClass");
      requireUnset(storageClassSet ? "" : walStorageClass, "WAL storage class", walStorageClass);
      this.walStorageClass = storageClass;
      return this;
    }

    /**
     * Encrypts objects with S3-managed keys (SSE-S3, {@code AES256}).
     *
     * @return this builder
     * @throws IllegalArgumentException if an encryption is already set
     */
    public Builder sseS3() {
      requireNoEncryption("SSE-S3");
      this.sse = ServerSideEncryption.AES256;
      return this;
    }

    /**
     * Encrypts objects with AWS KMS (SSE-KMS).
     *
     * @param kmsKeyId the key id, alias or ARN; {@code null} for the account's default {@code
     *     aws/s3} key
     * @return this builder
     * @throws IllegalArgumentException if empty or an encryption is already set
     */
    public Builder sseKms(String kmsKeyId) {
      if (kmsKeyId != null && kmsKeyId.isBlank()) {
        throw new IllegalArgumentException("KMS key id must not be blank (pass null for the default key)");
      }
      requireNoEncryption("SSE-KMS");
      this.sse = ServerSideEncryption.AWS_KMS;
      this.kmsKeyId = kmsKeyId;
      return this;
    }

    /**
     * Encrypts objects with your own 256-bit key (SSE-C). The same key is needed to restore;
     * it is never logged.
     *
     * @param key 32 bytes
     * @return this builder
     * @throws IllegalArgumentException if null, not 32 bytes, or an encryption is already set
     */
    public Builder sseCustomerKey(byte[] key) {
      requireNonNull(key, "sseCustomerKey");
      if (key.length != 32) {
        throw new IllegalArgumentException("SSE-C key must be 32 bytes (AES-256), not " + key.length);
      }
      requireNoEncryption("SSE-C");
      this.customerKey = key.clone();
      return this;
    }

    /**
     * Sets the multipart part size, also the size of the ranges downloaded in parallel.
     * Objects larger than this upload in parts. Default 8 MiB; at least 5 MiB, at most 5 GiB.
     *
     * @param bytes the part size in bytes
     * @return this builder
     * @throws IllegalArgumentException if out of range or already set
     */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_SIZE || bytes > 5L * 1024 * MIB) {
        throw new IllegalArgumentException("partSize must be between 5 MiB (5242880) and 5 GiB, not " + bytes);
      }
      requireUnset(this.partSize, "partSize", this.partSize);
      this.partSize = bytes;
      return this;
    }

    /**
     * Sets how many requests of one replica may be in flight at once (default 4; the connection
     * pool holds this many plus 8). Parts are read from the file ahead of sending by at most two
     * part sizes, so upload memory stays near {@code 2 * partSize} whatever the object size.
     *
     * @param parts at least 1, at most 64
     * @return this builder
     * @throws IllegalArgumentException if out of range or already set
     */
    public Builder uploadConcurrency(int parts) {
      if (parts < 1 || parts > 64) {
        throw new IllegalArgumentException("uploadConcurrency must be between 1 and 64, not " + parts);
      }
      requireUnset(this.uploadConcurrency, "uploadConcurrency", this.uploadConcurrency);
      this.uploadConcurrency = parts;
      return this;
    }

    /**
     * Sets how many ranges of one object download at once (default 4).
     *
     * @param ranges at least 1, at most 64
     * @return this builder
     * @throws IllegalArgumentException if out of range or already set
     */
    public Builder downloadConcurrency(int ranges) {
      if (ranges < 1 || ranges > 64) {
        throw new IllegalArgumentException("downloadConcurrency must be between 1 and 64, not " + ranges);
      }
      requireUnset(this.downloadConcurrency, "downloadConcurrency", this.downloadConcurrency);
      this.downloadConcurrency = ranges;
      return this;
    }

    /**
     * Sets how many times one request is tried, with exponential backoff between tries, on
     * 5xx answers, {@code SlowDown} throttling, timeouts and dropped connections (default 5).
     *
     * @param attempts at least 1 (no retry), at most 20
     * @return this builder
     * @throws IllegalArgumentException if out of range or already set
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be between 1 and 20, not " + attempts);
      }
      requireUnset(this.maxAttempts, "maxAttempts", this.maxAttempts);
      this.maxAttempts = attempts;
      return this;
    }

    /** Test hook: adds an interceptor to the client the builder creates. */
    Builder addInterceptor(ExecutionInterceptor interceptor) {
      extraInterceptors.add(interceptor);
      return this;
    }

    /**
     * Creates the replica. No request is sent: the bucket is not checked here (that would need
     * permissions beyond the minimal policy); the first operation reports a missing bucket or
     * bad credentials.
     *
     * @return the replica, closed by the caller
     * @throws LitewakeException if options contradict each other or no bucket is set
     */
    public S3Replica build() {
      if (bucket == null) {
        throw new LitewakeException("no bucket: call bucket(...) or start from S3Replica.fromUri(uri)");
      }
      if (asyncClient != null) {
        List<String> clash = new ArrayList<>();
        if (credentials != null) {
          clash.add("credentials");
        }
        if (region != null) {
          clash.add("region");
        }
        if (endpoint != null) {
          clash.add("endpoint");
        }
        if (forcePathStyle != null) {
          clash.add("forcePathStyle");
        }
        if (uploadConcurrency != null) {
          clash.add("uploadConcurrency");
        }
        if (maxAttempts != null) {
          clash.add("maxAttempts");
        }
        if (!clash.isEmpty()) {
          throw new LitewakeException("for " + describe() + ": " + clash + " configure the client"
              + " Litewake builds, but your own S3AsyncClient was given; configure it on your"
              + " client instead");
        }
      }
      if (arn != null && Boolean.TRUE.equals(forcePathStyle)) {
        throw new LitewakeException("for " + describe() + ": access points cannot be addressed"
            + " path-style; remove force-path-style");
      }
      if (arn != null && region != null && endpoint == null && !region.id().equals(arn.region())) {
        throw new LitewakeException("for " + describe() + ": region " + region.id()
            + " differs from the access point's region " + arn.region()
            + "; remove the region option (it is taken from the ARN) or fix the ARN");
      }
      String loc = location != null ? location : describe();
      return new S3Replica(this, loc);
    }

    private String describe() {
      if (location != null) {
        return location;
      }
      StringBuilder sb = new StringBuilder("s3://").append(bucket);
      if (prefix != null && !prefix.isEmpty()) {
        sb.append('/').append(prefix);
      }
      if (endpoint != null) {
        sb.append("?endpoint=").append(endpoint);
      }
      return sb.toString();
    }

    private void requireNoEncryption(String what) {
      if (encryptionSet) {
        String current = customerKey != null ? "SSE-C"
            : sse == ServerSideEncryption.AWS_KMS ? "SSE-KMS" + (kmsKeyId == null ? "" : " (" + kmsKeyId + ")")
            : "SSE-S3";
        throw new IllegalArgumentException("server-side encryption was already set to " + current
            + "; cannot also set " + what);
      }
      encryptionSet = true;
    }

    private static void checkStorageClass(StorageClass sc, String name) {
      requireNonNull(sc, name);
      if (sc == StorageClass.UNKNOWN_TO_SDK_VERSION) {
        throw new IllegalArgumentException(name + " must be a known storage class, not " + sc);
      }
    }

    private static void requireNonNull(Object value, String name) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
    }

    private static void requireUnset(Object current, String name, Object shown) {
      if (current != null) {
        throw new IllegalArgumentException(name + " was already set to " + shown);
      }
    }
  }
}
