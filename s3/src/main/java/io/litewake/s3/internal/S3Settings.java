package io.litewake.s3.internal;

import io.litewake.LitewakeException;
import io.litewake.internal.Redact;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The options of {@code S3Replica.Builder} while they are set: each setter validates its value at
 * once (an {@link IllegalArgumentException} naming it) and refuses a second setting; {@link
 * #resolve()} checks them against each other and applies the defaults. The public builder
 * documents each option. Owned by the thread that configures the replica.
 */
public final class S3Settings {

  private static final long MIB = 1024L * 1024L;
  /** The default multipart part size and download range size: 8 MiB. */
  public static final long DEFAULT_PART_SIZE = 8 * MIB;
  /** The smallest part size S3 accepts: 5 MiB. */
  public static final long MIN_PART_SIZE = 5 * MIB;
  /** The default number of parts uploaded (and ranges downloaded) at once. */
  public static final int DEFAULT_CONCURRENCY = 4;
  /** The default number of attempts of one request, retries included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

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
  private SseSettings sse = SseSettings.NONE;
  private ObjectLock objectLock;
  private Long partSize;
  private Integer uploadConcurrency;
  private Integer downloadConcurrency;
  private Integer maxAttempts;
  private final List<ExecutionInterceptor> extraInterceptors = new ArrayList<>();

  /** Creates settings with nothing set. */
  public S3Settings() {}

  /**
   * Takes the place a parsed URI names, unchecked by the setters (the parser checked it).
   *
   * @param maskedLocation the URI with its secrets masked, the replica's location
   * @param parsed the parsed URI
   */
  void place(String maskedLocation, S3Uri parsed) {
    this.location = maskedLocation;
    this.bucket = parsed.bucket();
    this.prefix = parsed.prefix();
    this.arn = parsed.accessPoint();
  }

  /**
   * Sets the option that {@code S3Replica.Builder#bucket} documents.
   *
   * @param bucket a bucket name or access point ARN
   */
  public void bucket(String bucket) {
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
  }

  /**
   * Sets the option that {@code S3Replica.Builder#prefix} documents.
   *
   * @param prefix the key prefix
   */
  public void prefix(String prefix) {
    requireNonNull(prefix, "prefix");
    requireUnset(this.prefix, "prefix", this.prefix);
    try {
      this.prefix = S3Uri.normalizePrefix(prefix);
    } catch (LitewakeException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /**
   * Sets the option that {@code S3Replica.Builder#client} documents.
   *
   * @param client the caller's client
   */
  public void client(S3AsyncClient client) {
    requireNonNull(client, "client");
    requireUnset(this.asyncClient, "client", this.asyncClient);
    this.asyncClient = client;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#credentials} documents.
   *
   * @param provider a credentials provider
   */
  public void credentials(AwsCredentialsProvider provider) {
    requireNonNull(provider, "credentials");
    requireUnset(this.credentials, "credentials", this.accessKeyDescription);
    this.credentials = provider;
  }

  /**
   * Sets a static access key, as {@code S3Replica.Builder#credentials(String, String)}.
   *
   * @param accessKeyId a static access key id
   * @param secretAccessKey its secret, never shown
   */
  public void credentials(String accessKeyId, String secretAccessKey) {
    requireNonNull(accessKeyId, "accessKeyId");
    requireNonNull(secretAccessKey, "secretAccessKey");
    if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
      throw new IllegalArgumentException("access key id and secret access key must not be empty");
    }
    requireUnset(this.credentials, "credentials", this.accessKeyDescription);
    this.credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    this.accessKeyDescription = "the static credentials (access key " + Redact.MASK + ")";
  }

  /**
   * Sets the option that {@code S3Replica.Builder#region(String)} documents.
   *
   * @param region a region id
   */
  public void region(String region) {
    requireNonNull(region, "region");
    if (!region.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("invalid region: '" + region + "' (expected e.g. us-east-1)");
    }
    region(Region.of(region));
  }

  /**
   * Sets the option that {@code S3Replica.Builder#region(Region)} documents.
   *
   * @param region the signing region
   */
  public void region(Region region) {
    requireNonNull(region, "region");
    requireUnset(this.region, "region", this.region);
    this.region = region;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#endpoint} documents.
   *
   * @param endpoint an http(s) URL
   */
  public void endpoint(URI endpoint) {
    requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be an http:// or https:// URL with a host, not '" + Redact.uri(endpoint) + "'");
    }
    requireUnset(this.endpoint, "endpoint", Redact.uri(this.endpoint));
    this.endpoint = endpoint;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#forcePathStyle} documents.
   *
   * @param pathStyle path-style addressing
   */
  public void forcePathStyle(boolean pathStyle) {
    requireUnset(this.forcePathStyle, "forcePathStyle", this.forcePathStyle);
    this.forcePathStyle = pathStyle;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#storageClass} documents.
   *
   * @param storageClass of every object
   */
  public void storageClass(StorageClass storageClass) {
    checkStorageClass(storageClass, "storageClass");
    if (storageClassSet || snapshotStorageClass != null || walStorageClass != null) {
      throw new IllegalArgumentException("storage class was already set; storageClass(" + storageClass
          + ") would override snapshots=" + snapshotStorageClass + ", wal=" + walStorageClass);
    }
    storageClassSet = true;
    this.snapshotStorageClass = storageClass;
    this.walStorageClass = storageClass;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#snapshotStorageClass} documents.
   *
   * @param storageClass of snapshots
   */
  public void snapshotStorageClass(StorageClass storageClass) {
    checkStorageClass(storageClass, "snapshotStorageClass");
    requireUnset(storageClassSet ? "" : snapshotStorageClass, "snapshot storage class", snapshotStorageClass);
    this.snapshotStorageClass = storageClass;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#walStorageClass} documents.
   *
   * @param storageClass of WAL segments
   */
  public void walStorageClass(StorageClass storageClass) {
    checkStorageClass(storageClass, "walStorageClass");
    requireUnset(storageClassSet ? "" : walStorageClass, "WAL storage class", walStorageClass);
    this.walStorageClass = storageClass;
  }

  /** Sets SSE-S3, as {@code S3Replica.Builder#sseS3}. */
  public void sseS3() {
    encryption(SseSettings.s3(), "SSE-S3");
  }

  /**
   * Sets the option that {@code S3Replica.Builder#sseKms} documents.
   *
   * @param kmsKeyId a KMS key or {@code null}
   */
  public void sseKms(String kmsKeyId) {
    if (kmsKeyId != null && kmsKeyId.isBlank()) {
      throw new IllegalArgumentException("KMS key id must not be blank (pass null for the default key)");
    }
    encryption(SseSettings.kms(kmsKeyId), "SSE-KMS");
  }

  /**
   * Sets the option that {@code S3Replica.Builder#sseCustomerKey} documents.
   *
   * @param key 32 bytes
   */
  public void sseCustomerKey(byte[] key) {
    requireNonNull(key, "sseCustomerKey");
    if (key.length != 32) {
      throw new IllegalArgumentException("SSE-C key must be 32 bytes (AES-256), not " + key.length);
    }
    encryption(SseSettings.customerKey(key), "SSE-C");
  }

  /**
   * Sets the option that {@code S3Replica.Builder#partSize} documents.
   *
   * @param bytes the part size
   */
  public void partSize(long bytes) {
    if (bytes < MIN_PART_SIZE || bytes > 5L * 1024 * MIB) {
      throw new IllegalArgumentException("partSize must be between 5 MiB (5242880) and 5 GiB, not " + bytes);
    }
    requireUnset(this.partSize, "partSize", this.partSize);
    this.partSize = bytes;
  }

  /**
   * Sets the option that {@code S3Replica.Builder#uploadConcurrency} documents.
   *
   * @param parts 1 to 64
   */
  public void uploadConcurrency(int parts) {
    this.uploadConcurrency = inRange(parts, 64, "uploadConcurrency", uploadConcurrency);
  }

  /**
   * Sets the option that {@code S3Replica.Builder#downloadConcurrency} documents.
   *
   * @param ranges 1 to 64
   */
  public void downloadConcurrency(int ranges) {
    this.downloadConcurrency = inRange(ranges, 64, "downloadConcurrency", downloadConcurrency);
  }

  /**
   * Sets the option that {@code S3Replica.Builder#maxAttempts} documents.
   *
   * @param attempts 1 to 20
   */
  public void maxAttempts(int attempts) {
    this.maxAttempts = inRange(attempts, 20, "maxAttempts", maxAttempts);
  }

  /**
   * Adds an interceptor to the client the replica builds (a test hook).
   *
   * @param interceptor the interceptor
   */
  public void addInterceptor(ExecutionInterceptor interceptor) {
    extraInterceptors.add(interceptor);
  }

  /**
   * Checks the options against each other and completes them with the defaults; resolves the
   * region of a client to build (the access point's, {@code us-east-1} for a custom endpoint,
   * else the AWS default region chain).
   *
   * @return the configuration
   * @throws LitewakeException if no bucket is set, options contradict each other, or no region
   *     can be found
   */
  public S3Config resolve() {
    if (bucket == null) {
      throw new LitewakeException("no bucket: call bucket(...) or start from S3Replica.fromUri(uri)");
    }
    if (asyncClient != null) {
      List<String> clash = new ArrayList<>();
      addIfSet(clash, credentials, "credentials");
      addIfSet(clash, region, "region");
      addIfSet(clash, endpoint, "endpoint");
      addIfSet(clash, forcePathStyle, "forcePathStyle");
      addIfSet(clash, uploadConcurrency, "uploadConcurrency");
      addIfSet(clash, maxAttempts, "maxAttempts");
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
    String p = prefix == null ? "" : prefix;
    return new S3Config(describe(), bucket, p.isEmpty() ? "" : p + "/", arn, asyncClient, credentials,
        accessKeyDescription, asyncClient == null ? resolveRegion() : null, endpoint, forcePathStyle,
        snapshotStorageClass, walStorageClass, sse, objectLock,
        partSize == null ? DEFAULT_PART_SIZE : partSize,
        uploadConcurrency == null ? DEFAULT_CONCURRENCY : uploadConcurrency,
        downloadConcurrency == null ? DEFAULT_CONCURRENCY : downloadConcurrency,
        maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts,
        List.copyOf(extraInterceptors));
  }

  private Region resolveRegion() {
    if (region != null) {
      return region;
    }
    if (arn != null) {
      return Region.of(arn.region());
    }
    if (endpoint != null) {
      return Region.US_EAST_1; // S3-compatible stores mostly ignore it; set region= if yours does not
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (RuntimeException e) {
      throw new LitewakeException(
          "no AWS region for " + describe() + ": add region=... to the replica URI (or call"
              + " region(...) on the builder), or set AWS_REGION", e);
    }
  }

  /** The location: the masked URI the settings came from, or one made of bucket and prefix. */
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
    return Redact.text(sb.toString());
  }

  /**
   * Sets the option that {@code S3Replica.Builder#objectLockRetention} documents.
   *
   * @param lock the retention of every upload
   */
  public void objectLock(ObjectLock lock) {
    requireNonNull(lock, "objectLockRetention");
    requireUnset(objectLock, "object lock retention", objectLock);
    this.objectLock = lock;
  }

  private void encryption(SseSettings wanted, String what) {
    if (sse.isSet()) {
      throw new IllegalArgumentException("server-side encryption was already set to " + sse
          + "; cannot also set " + what);
    }
    this.sse = wanted;
  }

  private static int inRange(int value, int max, String name, Integer current) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(name + " must be between 1 and " + max + ", not " + value);
    }
    requireUnset(current, name, current);
    return value;
  }

  private static void addIfSet(List<String> names, Object value, String name) {
    if (value != null) {
      names.add(name);
    }
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
