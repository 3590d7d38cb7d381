package io.litewake.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * An S3-compatible server on a loopback port, for tests and the benchmark: its endpoint and
 * credentials, a client for setup and assertions, bucket creation and {@code s3://} replica URIs.
 * Implementations: {@link S3MockServer} (findify s3mock in this JVM) and {@link S3ProxyServer}
 * (S3Proxy as a child process). Thread-safe; the client is created on first use (guarded by
 * {@code this}) and closed with the server.
 */
public abstract class S3Server implements AutoCloseable {

  /** The region every server signs for. */
  public static final String REGION = "us-east-1";

  private S3Client client;

  /** For subclasses. */
  protected S3Server() {}

  /**
   * A short name for messages, such as {@code s3mock}.
   *
   * @return the name
   */
  public abstract String name();

  /**
   * The server's own base URL (no front in between).
   *
   * @return {@code http://127.0.0.1:PORT}
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
   * The region to sign requests for.
   *
   * @return {@value #REGION}
   */
  public String region() {
    return REGION;
  }

  /**
   * A synchronous client with full rights, talking to the server directly, in the wire format
   * S3-compatible servers need (path style, checksums only when required, no aws-chunked
   * bodies). Closed with the server; do not close it.
   *
   * @return the client
   */
  public synchronized S3Client client() {
    if (client == null) {
      client = S3Client.builder()
          .endpointOverride(endpoint())
          .region(Region.of(region()))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey(), secretKey())))
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .serviceConfiguration(S3Configuration.builder()
              .pathStyleAccessEnabled(true)
              .chunkedEncodingEnabled(false)
              .build())
          .build();
    }
    return client;
  }

  /**
   * Creates a bucket; one that exists already is kept.
   *
   * @param bucket the bucket name
   * @return the bucket name
   */
  public String createBucket(String bucket) {
    try {
      client().createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
      // kept
    }
    return bucket;
  }

  /**
   * A replica URI that Litewake's {@code s3:} replica takes as is, pointing at this server.
   *
   * @param bucket the bucket
   * @param prefix the prefix in the bucket, may be empty
   * @return see {@link #replicaUri(URI, String, String)}
   */
  public URI replicaUri(String bucket, String prefix) {
    return replicaUri(endpoint(), bucket, prefix);
  }

  /**
   * A replica URI with the endpoint, region, path style and this server's credentials as query
   * parameters.
   *
   * @param endpoint the endpoint to put in the URI: this server's, or a front before it
   * @param bucket the bucket
   * @param prefix the prefix in the bucket, may be empty
   * @return {@code s3://BUCKET/PREFIX?endpoint=...&region=...&force-path-style=true&access-key=...&secret-access-key=...}
   */
  public URI replicaUri(URI endpoint, String bucket, String prefix) {
    return URI.create("s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
        + "?endpoint=" + encode(endpoint.toString())
        + "&region=" + encode(region())
        + "&force-path-style=true"
        + "&access-key=" + encode(accessKey())
        + "&secret-access-key=" + encode(secretKey()));
  }

  /**
   * Percent-encodes a URI query value (a space as {@code %20}, not {@code +}).
   *
   * @param s the value
   * @return the encoded value
   */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Closes the client; subclasses then stop the server. Idempotent. */
  @Override
  public void close() {
    S3Client c;
    synchronized (this) {
      c = client;
      client = null;
    }
    if (c != null) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return name() + "@" + endpoint();
  }
}
