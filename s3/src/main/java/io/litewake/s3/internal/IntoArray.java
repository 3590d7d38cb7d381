package io.litewake.s3.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One ranged GET answered into a given array (a buffer of the stream, reused range after
 * range): no growing copies, no 4 MiB garbage per range. A retry gets an array of its own, so
 * that a superseded attempt still delivering bytes cannot write into the one that answers. Used
 * by {@link RangedReader}; the SDK calls it from its event loops.
 */
final class IntoArray implements AsyncResponseTransformer<GetObjectResponse, IntoArray> {
  private final byte[] pooled;
  private int attempts;
  /** The array of the attempt that answered (valid once the future completed). */
  volatile byte[] buffer;
  /** The bytes of {@link #buffer} that the answer filled. */
  volatile int length;
  /** The answer's metadata. */
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
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    CompletableFuture<IntoArray> f = done;
    byte[] target = buffer;
    publisher.subscribe(new Subscriber<ByteBuffer>() {
      private Subscription subscription;
      private int filled;
      private boolean over;

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer b) {
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
