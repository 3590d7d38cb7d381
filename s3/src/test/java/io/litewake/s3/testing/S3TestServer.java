package io.litewake.s3.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3-compatible server on loopback for tests: its endpoint and credentials, bucket creation,
 * and fresh {@code s3://} replica URIs. Implementations: {@link S3MockServer} (findify s3mock,
 * in process) and {@link S3ProxyServer} (S3Proxy, child JVM). Meant to move to the testkit.
 */
public abstract class S3TestServer implements AutoCloseable {

  /** The bucket {@link #newReplicaUri()} puts replicas in. */
  public static final String SHARED_BUCKET = "litewake-test";

  private static final AtomicLong COUNTER = new AtomicLong();
  private volatile S3AsyncClient admin;
  private volatile boolean sharedBucketCreated;

  /**
   * A short name for test output, such as {@code s3mock}.
   *
   * @return the name
   */
  public abstract String name();

  /**
   * The server's base URL, {@code http://127.0.0.1:PORT}.
   *
   * @return the endpoint
   */
  public abstract URI endpoint();

  /**
   * An access key the server accepts.
   *
   * @return the access key id
   */
  public abstract String accessKey();

  /**
   * The secret of {@link #accessKey()}.
   *
   * @return the secret access key
   */
  public abstract String secretKey();

  /**
   * The region to sign for.
   *
   * @return a region id
   */
  public String region() {
    return "us-east-1";
  }

  /**
   * A client with full rights for test setup (creating buckets, inspecting objects).
   *
   * @return a client closed with the server
   */
  public synchronized S3AsyncClient admin() {
    if (admin == null) {
      admin =
          S3AsyncClient.builder()
              .endpointOverride(endpoint())
              .region(Region.of(region()))
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(accessKey(), secretKey())))
              .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
              .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
              .serviceConfiguration(
                  S3Configuration.builder()
                      .pathStyleAccessEnabled(true)
                      .chunkedEncodingEnabled(false)
                      .build())
              .build();
    }
    return admin;
  }

  /**
   * Creates a bucket; an existing one is kept.
   *
   * @param bucket the bucket name
   */
  public void createBucket(String bucket) {
    try {
      admin().createBucket(b -> b.bucket(bucket)).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof BucketAlreadyOwnedByYouException
          || (e.getCause() instanceof S3Exception s3
              && s3.awsErrorDetails() != null
              && "BucketAlreadyExists".equals(s3.awsErrorDetails().errorCode()))) {
        return;
      }
      throw e;
    }
  }

  /**
   * A replica URI with endpoint, region and credentials as query parameters.
   *
   * @param endpoint the endpoint to put in the URI (this server's, or a proxy in front of it)
   * @param bucket the bucket
   * @param prefix the prefix, may be empty
   * @return {@code s3://bucket/prefix?endpoint=...&region=...&access-key=...&secret-access-key=...}
   */
  public URI replicaUri(URI endpoint, String bucket, String prefix) {
    return URI.create(
        "s3://"
            + bucket
            + (prefix.isEmpty() ? "" : "/" + prefix)
            + "?endpoint="
            + enc(endpoint.toString())
            + "&region="
            + enc(region())
            + "&access-key="
            + enc(accessKey())
            + "&secret-access-key="
            + enc(secretKey()));
  }

  /**
   * A URI naming a fresh, empty replica location (a new prefix in {@link #SHARED_BUCKET}), the
   * hook for scenario suites that take a replica URI.
   *
   * @return a new replica URI on this server
   */
  public URI newReplicaUri() {
    return replicaUri(endpoint(), sharedBucket(), newPrefix());
  }

  /**
   * The shared bucket, created on first use.
   *
   * @return {@link #SHARED_BUCKET}
   */
  public String sharedBucket() {
    if (!sharedBucketCreated) {
      synchronized (this) {
        if (!sharedBucketCreated) {
          createBucket(SHARED_BUCKET);
          sharedBucketCreated = true;
        }
      }
    }
    return SHARED_BUCKET;
  }

  /**
   * A prefix no other test uses.
   *
   * @return a fresh prefix such as {@code t/17/db}
   */
  public static String newPrefix() {
    return "t" + ProcessHandle.current().pid() + "/" + COUNTER.incrementAndGet() + "/db";
  }

  /** Closes the admin client; subclasses stop the server. */
  @Override
  public void close() {
    S3AsyncClient a = admin;
    if (a != null) {
      a.close();
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return name() + "@" + endpoint();
  }
}
