package io.litewake.s3.internal;

import io.litewake.spi.Throttle;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.reactivestreams.Subscriber;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * The HTTP client of a client Litewake builds, pacing the request bodies of throttled uploads on
 * their way to the socket ({@link PacedPublisher}): after signing, so that a body the signer had to
 * read first (SigV4 hashes the payload on plain HTTP) still goes out at the limit rather than in one
 * burst. An upload is throttled while its bucket key is registered ({@link #register}); each of its
 * {@code PUT} requests (the object, or every part) takes its turn on the same schedule. Everything
 * else passes through. Downloads are paced by the ranges they ask for instead (see {@link
 * Downloader}), which works with any client. Thread-safe: the registry is a concurrent map; the
 * delegate is the SDK's Netty client; the timer is shared by every client.
 */
public final class PacedHttpClient implements SdkAsyncHttpClient {
  private static final ScheduledExecutorService TIMER = timer();

  private final SdkAsyncHttpClient delegate;
  private final ScheduledExecutorService timer;
  /** Encoded key path ("/" + URL-encoded bucket key) to the throttle of its upload. */
  private final Map<String, Throttle> uploads = new ConcurrentHashMap<>();

  /**
   * Wraps the SDK's HTTP client.
   *
   * @param delegate the client that sends; closed with this one
   */
  PacedHttpClient(SdkAsyncHttpClient delegate) {
    this.delegate = delegate;
    this.timer = TIMER;
  }

  private static ScheduledExecutorService timer() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(2, r -> {
      Thread th = new Thread(r, "litewake-s3-pacing-" + n.incrementAndGet());
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * Paces the {@code PUT} bodies of {@code fullKey} until {@link #unregister}.
   *
   * @param fullKey the object key in the bucket
   * @param throttle the rate limit
   */
  public void register(String fullKey, Throttle throttle) {
    uploads.put(path(fullKey), throttle);
  }

  /**
   * Stops pacing the uploads of {@code fullKey}.
   *
   * @param fullKey the object key in the bucket
   */
  public void unregister(String fullKey) {
    uploads.remove(path(fullKey));
  }

  private static String path(String fullKey) {
    return "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(fullKey);
  }

  @Override
  public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
    Throttle t = uploads.isEmpty() ? null : throttleOf(request.request());
    if (t == null) {
      return delegate.execute(request);
    }
    SdkHttpContentPublisher body = request.requestContentPublisher();
    PacedPublisher paced = new PacedPublisher(body, t, timer);
    AsyncExecuteRequest.Builder b = AsyncExecuteRequest.builder()
        .request(request.request())
        .requestContentPublisher(new SdkHttpContentPublisher() {
          @Override
          public Optional<Long> contentLength() {
            return body.contentLength();
          }

          @Override
          public void subscribe(Subscriber<? super ByteBuffer> s) {
            paced.subscribe(s);
          }
        })
        .responseHandler(request.responseHandler())
        .fullDuplex(request.fullDuplex())
        .httpExecutionAttributes(request.httpExecutionAttributes());
    request.metricCollector().ifPresent(b::metricCollector);
    return delegate.execute(b.build());
  }

  private Throttle throttleOf(SdkHttpRequest r) {
    if (r.method() != SdkHttpMethod.PUT) {
      return null;
    }
    String p = r.encodedPath();
    for (Map.Entry<String, Throttle> e : uploads.entrySet()) {
      if (p.endsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
