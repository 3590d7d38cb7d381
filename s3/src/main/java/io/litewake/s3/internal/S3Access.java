package io.litewake.s3.internal;

import io.litewake.spi.StoredObject;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One replica's place in its bucket and what every part needs to call S3 there: replica keys
 * mapped to and from bucket keys, a call awaited with its failure translated into a message that
 * says what to do ({@link S3Errors}), and the reads every part shares (listing, {@code HEAD},
 * {@code GET} requests carrying the SSE-C key). Immutable; safe for any thread.
 */
public final class S3Access {

  private final String bucket;
  private final String keyPrefix;
  private final S3Clients clients;
  private final SseSettings sse;
  private final S3Errors.Context context;
  /** Paces transfers, or null. */
  private final Throttle throttle;
  /** Whether the client paces uploads inside their transfers (a {@link PacedHttpClient}). */
  private final boolean pacesInside;

  /**
   * Creates the access of one replica.
   *
   * @param config the replica's configuration
   * @param clients its clients
   */
  public S3Access(S3Config config, S3Clients clients) {
    this(config, clients, null);
  }

  /**
   * Creates the access of one replica whose transfers a throttle paces.
   *
   * @param config the replica's configuration
   * @param clients its clients
   * @param throttle the rate limit, or null
   */
  public S3Access(S3Config config, S3Clients clients, Throttle throttle) {
    this.bucket = config.bucket();
    this.keyPrefix = config.keyPrefix();
    this.clients = clients;
    this.sse = config.sse();
    this.context = clients.context();
    this.throttle = throttle;
    this.pacesInside = clients.pacesInside();
  }

  /**
   * The rate limit of this replica's transfers.
   *
   * @return the throttle, or null
   */
  public Throttle throttle() {
    return throttle;
  }

  /**
   * Whether uploads must be paced as whole objects because the caller's client cannot pace inside
   * them.
   *
   * @return true with a throttle and the caller's client
   */
  public boolean pacesWholeUploads() {
    return throttle != null && !pacesInside;
  }

  /**
   * Lists the objects under a replica prefix, page after page, as replica keys.
   *
   * @param prefix empty, or a replica key prefix ending in {@code /}
   * @return the objects
   * @throws IOException if the store fails
   */
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
      ListObjectsV2Request request = req.build();
      S3Client sync = clients.sync();
      ListObjectsV2Response resp = sync != null
          ? call(() -> sync.listObjectsV2(request), "s3:ListBucket", where(full))
          : await(clients.plain().listObjectsV2(request), "s3:ListBucket", where(full));
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

  /**
   * The bucket key of a replica key, which is checked.
   *
   * @param key a replica key
   * @return the key in the bucket
   * @throws IllegalArgumentException if the key is null, empty or starts with {@code /}
   */
  public String full(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/")) {
      throw new IllegalArgumentException("key must be non-empty and not start with '/': '" + key + "'");
    }
    return keyPrefix + key;
  }

  /**
   * A bucket key for messages.
   *
   * @param fullKey a key in the bucket
   * @return {@code s3://BUCKET/KEY}
   */
  public String where(String fullKey) {
    return "s3://" + bucket + "/" + fullKey;
  }

  /**
   * Starts a request for a whole object, with the SSE-C key if any.
   *
   * @param fullKey the key in the bucket
   * @return the request builder, to complete (a range) and build
   */
  public GetObjectRequest.Builder get(String fullKey) {
    return sse.apply(GetObjectRequest.builder().bucket(bucket).key(fullKey));
  }

  /**
   * Reads an object's metadata ({@code s3:GetObject}).
   *
   * @param fullKey the key in the bucket
   * @return the answer
   * @throws java.nio.file.NoSuchFileException if there is no such object
   * @throws IOException if the store fails
   */
  public HeadObjectResponse head(String fullKey) throws IOException {
    HeadObjectRequest req = sse.apply(HeadObjectRequest.builder().bucket(bucket).key(fullKey)).build();
    S3Client sync = clients.sync();
    return sync != null ? call(() -> sync.headObject(req), "s3:GetObject", where(fullKey))
        : await(clients.plain().headObject(req), "s3:GetObject", where(fullKey));
  }

  /**
   * Waits for a call and translates its failure.
   *
   * @param <T> the answer type
   * @param future the call
   * @param action the IAM action it needs, for messages
   * @param what the object or prefix, for messages
   * @return the answer
   * @throws InterruptedIOException if the thread is interrupted (the call is cancelled)
   * @throws IOException the translated failure
   */
  public <T> T await(CompletableFuture<T> future, String action, String what) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      InterruptedIOException ie = new InterruptedIOException(action + " on " + what + " was interrupted");
      ie.initCause(e);
      throw ie;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.io.UncheckedIOException u) {
        throw u.getCause();
      }
      throw S3Errors.translate(e.getCause(), action, what, context);
    } catch (RuntimeException e) {
      throw S3Errors.translate(e, action, what, context);
    }
  }

  /**
   * Runs a call of the synchronous client and translates its failure.
   *
   * @param <T> the answer type
   * @param call the call
   * @param action the IAM action it needs, for messages
   * @param what the object or prefix, for messages
   * @return the answer
   * @throws InterruptedIOException if the thread was interrupted
   * @throws IOException the translated failure
   */
  public <T> T call(java.util.function.Supplier<T> call, String action, String what) throws IOException {
    try {
      return call.get();
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
        InterruptedIOException ie = new InterruptedIOException(action + " on " + what + " was interrupted");
        ie.initCause(e);
        throw ie;
      }
      throw S3Errors.translate(e, action, what, context);
    }
  }

  /**
   * Translates a failure of a call not awaited with {@link #await}.
   *
   * @param failure the failure
   * @param action the IAM action the call needs
   * @param what the object or prefix
   * @return the exception to throw
   */
  public IOException translate(Throwable failure, String action, String what) {
    return S3Errors.translate(failure, action, what, context);
  }

  /**
   * What messages say about the replica.
   *
   * @return the error context
   */
  public S3Errors.Context context() {
    return context;
  }

  /**
   * The async client without the multipart wrapper (built on first use).
   *
   * @return the plain client
   */
  public S3AsyncClient plain() {
    return clients.plain();
  }

  /**
   * The synchronous client (built on first use).
   *
   * @return the client, or null with the caller's asynchronous client
   */
  public S3Client sync() {
    return clients.sync();
  }

  /**
   * The bucket or access point.
   *
   * @return the bucket as the SDK takes it
   */
  public String bucket() {
    return bucket;
  }
}
