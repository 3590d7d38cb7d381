package io.litewake.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.spi.Throttle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/** The paced body alone: a file body, a subscriber that asks for everything at once. */
class PacedPublisherTest {
  @TempDir Path dir;

  @Test
  void aFileBodyFlowsAtTheLimitWhateverTheDemand() throws Exception {
    Path f = dir.resolve("f");
    Files.write(f, new byte[3 << 20]);
    Throttle t = Throttle.perSecond(2L << 20);
    PacedPublisher p = new PacedPublisher(AsyncRequestBody.fromFile(f), t, Executors.newSingleThreadScheduledExecutor());
    AtomicLong got = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    long t0 = System.nanoTime();
    p.subscribe(new Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer b) {
        assertThat(b.remaining()).isLessThanOrEqualTo(PacedPublisher.SLICE);
        got.addAndGet(b.remaining());
      }

      @Override
      public void onError(Throwable e) {
        done.completeExceptionally(e);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    done.get(20, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(got.get()).isEqualTo(3 << 20);
    assertThat(seconds).isBetween(1.3, 1.7); // 3 MiB at 2 MiB/s
  }
}
