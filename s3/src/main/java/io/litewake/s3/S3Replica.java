package io.litewake.s3;

import io.litewake.LitewakeException;
import io.litewake.s3.internal.BatchDelete;
import io.litewake.s3.internal.Downloader;
import io.litewake.s3.internal.S3Access;
import io.litewake.s3.internal.S3Clients;
import io.litewake.s3.internal.S3Config;
import io.litewake.s3.internal.S3Settings;
import io.litewake.s3.internal.S3Uri;
import io.litewake.s3.internal.Uploader;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * A {@link Replica} in an S3 bucket (or access point) on the AWS SDK v2, for AWS S3 and
 * S3-compatible stores (MinIO, R2, B2, S3Proxy, ...).
 *
 * <p>Reads (LIST, GET, parallel ranged GETs) and uploads of one part go through the SDK's
 * synchronous client on the JDK's URL connection, built on a background thread when the replica
 * is opened (on a cold JVM it answers a first LIST in half the time of the Netty client); objects
 * larger than the part size upload as parallel parts through the {@link S3TransferManager} over
 * the SDK's multipart {@link S3AsyncClient}, built on first use (throttled uploads take it too: its
 * HTTP client paces them). Replicas of one process with the same store, location and credentials
 * share these clients. Every upload Litewake makes carries a {@code Content-MD5} of the bytes it
 * sends (per part for multipart uploads), so a store or proxy that changes a byte fails the upload;
 * ETags that are MD5s are checked too. Memory stays bounded whatever the object size.
 *
 * <p>Only four IAM actions are used: {@code s3:ListBucket} (always with a prefix ending in
 * {@code /}), {@code s3:GetObject}, {@code s3:PutObject} and {@code s3:DeleteObject}; restoring
 * needs only the first two. {@link S3IamPolicy} prints that policy.
 *
 * <p>Create one from a URI with {@link #fromUri(URI)} (or Litewake's
 * {@code to(URI)}, through {@link S3ReplicaProvider}), or with {@link #builder()}. This class only
 * wires the parts together; it is safe for any thread, as its parts are.
 */
public final class S3Replica implements Replica {

  private static final Logger LOG = LoggerFactory.getLogger(S3Replica.class);

  /** The default multipart part size and download range size: 8 MiB. */
  public static final long DEFAULT_PART_SIZE = S3Settings.DEFAULT_PART_SIZE;
  /** The smallest part size S3 accepts: 5 MiB. */
  public static final long MIN_PART_SIZE = S3Settings.MIN_PART_SIZE;
  /** The default number of parts uploaded (and ranges downloaded) at once: 4. */
  public static final int DEFAULT_CONCURRENCY = S3Settings.DEFAULT_CONCURRENCY;
  /** The default number of attempts of one request, retries included: 5. */
  public static final int DEFAULT_MAX_ATTEMPTS = S3Settings.DEFAULT_MAX_ATTEMPTS;

  private final S3Config config;
  private final S3Clients clients;
  /** False for a {@link #child(String)}: the parent's clients are shared, and closed by the parent. */
  private final boolean ownsClients;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final S3Access access;
  private final Uploader uploader;
  private final Downloader downloader;
  private final BatchDelete batchDelete;

  private S3Replica(S3Config config) {
    this(config, S3Clients.acquire(config), true, null);
    LOG.info("{}: S3 replica opened ({}, part size {} MiB, upload concurrency {})", config.location(),
        clients.context().endpointDescription(), config.partSize() >> 20, config.uploadConcurrency());
    io.litewake.s3.internal.S3Errors.warnIfArchived(config);
  }

  private S3Replica(S3Config config, S3Clients clients, boolean ownsClients, Throttle throttle) {
    this.config = config;
    this.clients = clients;
    this.ownsClients = ownsClients;
    this.access = new S3Access(config, clients, throttle);
    this.uploader = new Uploader(config, clients, access);
    this.downloader = new Downloader(config, access);
    this.batchDelete = new BatchDelete(access);
  }

  /**
   * The replica under {@code name/} of this one, sharing this replica's S3 client, connections
   * and transfer manager (a {@code ReplicatorGroup} serves hundreds of databases with one client
   * this way). Closing the child closes nothing shared; close this replica last.
   */
  @Override
  public Replica child(String name) {
    Replica.requireChildName(name);
    return new S3Replica(config.child(name), clients, false, null);
  }

  /**
   * This replica paced by {@code throttle}: uploads inside the transfer (whole objects with the caller's
   * client), downloads by scheduled ranges; it shares this replica's clients, its close releases nothing.
   */
  @Override
  public Replica throttled(Throttle throttle) {
    return new S3Replica(config, clients, false, java.util.Objects.requireNonNull(throttle, "throttle"));
  }

  /**
   * Starts a builder for a replica configured in code.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(new S3Settings());
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
   * access-key} and {@code secret-access-key} (otherwise the AWS default credentials chain), {@code
   * object-lock-mode} and {@code object-lock-retention} (see {@link Builder#objectLockRetention}).
   *
   * @param uri the replica URI
   * @return a builder holding what the URI says
   * @throws LitewakeException if the URI is malformed or has an unknown or bad parameter; the
   *     message names it
   */
  public static Builder fromUri(URI uri) {
    return new Builder(S3Uri.settings(uri));
  }

  @Override
  public String location() {
    return config.location();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    return access.list(prefix);
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    return uploader.put(key, source);
  }

  /**
   * Uploads with {@code If-None-Match: *} (also on the completion of a multipart upload):
   * returns null when the store answers 412 because the key exists. Stores that ignore the
   * header (older S3-compatible servers, mocks) overwrite; Litewake's writer claim still fences
   * a second writer there.
   */
  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    return uploader.putIfAbsent(key, source);
  }

  /**
   * Streams a listed object with parallel ranged GETs read in order, a few ranges ahead (at most
   * 4 ranges of 4 MiB in memory), checking each range's length and that the object
   * does not change; objects of one range or less are read with one GET.
   */
  @Override
  public InputStream open(StoredObject object) throws IOException {
    return downloader.open(object);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return downloader.open(key);
  }

  @Override
  public void download(StoredObject object, Path target) throws IOException {
    downloader.download(object, target);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    batchDelete.delete(keys);
  }

  /** Releases this replica's share of its clients, once (a shared client counts its users). */
  @Override
  public void close() {
    if (ownsClients && closed.compareAndSet(false, true)) {
      clients.close();
    }
  }

  @Override
  public String toString() {
    return "S3Replica[" + config.location() + "]";
  }

  /**
   * Configures an {@link S3Replica}. Every option is validated when it is set (the message names
   * the bad value) and may be set only once; {@link #build()} checks options against each other.
   * Either give your own {@link S3AsyncClient} with {@link #client(S3AsyncClient)}, or let the
   * builder create one from the region, endpoint and credentials options.
   */
  public static final class Builder {
    private final S3Settings settings;

    private Builder(S3Settings settings) {
      this.settings = settings;
    }

    /**
     * Sets the bucket, or an access point ARN ({@code arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME}).
     *
     * @param bucket the bucket name or access point ARN
     * @return this builder
     * @throws IllegalArgumentException if null, malformed or already set
     */
    public Builder bucket(String bucket) {
      settings.bucket(bucket);
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
      settings.prefix(prefix);
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
      settings.client(client);
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
      settings.credentials(provider);
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
      settings.credentials(accessKeyId, secretAccessKey);
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
      settings.region(region);
      return this;
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
      settings.region(region);
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
      settings.endpoint(endpoint);
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
      settings.forcePathStyle(pathStyle);
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
      settings.storageClass(storageClass);
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
      settings.snapshotStorageClass(storageClass);
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
      settings.walStorageClass(storageClass);
      return this;
    }

    /**
     * Locks each uploaded object with S3 Object Lock for {@code period} (URI: {@code object-lock-mode},
     * {@code object-lock-retention=P30D}); needs a bucket with Object Lock and {@code
     * s3:PutObjectRetention} ({@link S3IamPolicy} adds it). For the replicator's {@code appendOnly()}.
     * @param mode {@code GOVERNANCE} or {@code COMPLIANCE} (nobody can delete before the period ends)
     * @param period how long each object stays locked after its upload, positive
     * @return this builder
     */
    public Builder objectLockRetention(ObjectLockMode mode, java.time.Duration period) {
      settings.objectLock(new io.litewake.s3.internal.ObjectLock(mode, period));
      return this;
    }

    /**
     * Encrypts objects with S3-managed keys (SSE-S3, {@code AES256}).
     *
     * @return this builder
     * @throws IllegalArgumentException if an encryption is already set
     */
    public Builder sseS3() {
      settings.sseS3();
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
      settings.sseKms(kmsKeyId);
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
      settings.sseCustomerKey(key);
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
      settings.partSize(bytes);
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
      settings.uploadConcurrency(parts);
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
      settings.downloadConcurrency(ranges);
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
      settings.maxAttempts(attempts);
      return this;
    }

    /** Test hook: adds an interceptor to the client the builder creates. */
    Builder addInterceptor(ExecutionInterceptor interceptor) {
      settings.addInterceptor(interceptor);
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
      return new S3Replica(settings.resolve());
    }
  }
}
