package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.testing.Dbs;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Server;
import io.litewake.testsupport.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits measured on the wire: the bytes the client sends to (and reads from) the loopback
 * front, sampled every 100 ms, while a 60 MB database (random, incompressible) replicates with
 * {@code uploadRateLimit(2 MiB/s)} (a multipart snapshot: four parts in flight sharing the limit)
 * and restores with {@code rateLimit(2 MiB/s)}: each transfer takes about 30 s, its rate is within
 * 20 % of the limit, and no one-second window carries more than the limit by over 20 %.
 */
class RateLimitTest {
  static final long LIMIT = 2L << 20;
  static final int MB = 60;

  @TempDir Path dir;

  /** (nanos, bytes) samples of a counter. */
  static final class Sampler implements AutoCloseable {
    final List<long[]> samples = new ArrayList<>();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    Sampler(S3Front front, ToLongFunction<S3Front.Counts> counter) {
      timer.scheduleAtFixedRate(() -> {
        long[] s = {System.nanoTime(), counter.applyAsLong(front.counts())};
        synchronized (samples) {
          samples.add(s);
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * The samples of the bulk transfer: from the last before 64 KiB had gone to the first after all
     * but 64 KiB had (the small requests around it, a listing or a claim, left out).
     */
    List<long[]> transfer() {
      List<long[]> all;
      synchronized (samples) {
        all = new ArrayList<>(samples);
      }
      long base = all.get(0)[1];
      long end = all.get(all.size() - 1)[1];
      int first = 0;
      while (first < all.size() - 1 && all.get(first + 1)[1] - base < 65536) {
        first++;
      }
      int last = all.size() - 1;
      while (last > first && end - all.get(last - 1)[1] < 65536) {
        last--;
      }
      return all.subList(first, last + 1);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** Checks the rate over the transfer and over every one-second window; returns a description. */
  static String check(String what, List<long[]> s) {
    long bytes = s.get(s.size() - 1)[1] - s.get(0)[1];
    double seconds = (s.get(s.size() - 1)[0] - s.get(0)[0]) / 1e9;
    double rate = bytes / seconds;
    double worstWindow = 0;
    for (int i = 0; i < s.size(); i++) {
      for (int j = i + 1; j < s.size(); j++) {
        double w = (s.get(j)[0] - s.get(i)[0]) / 1e9;
        if (w >= 1.0) {
          worstWindow = Math.max(worstWindow, (s.get(j)[1] - s.get(i)[1]) / w);
          break;
        }
      }
    }
    String d = String.format("%s: %d bytes in %.1f s = %.2f MiB/s (limit %.2f MiB/s, %+.1f %%); busiest second"
        + " %.2f MiB/s", what, bytes, seconds, rate / (1 << 20), LIMIT / (double) (1 << 20),
        (rate / LIMIT - 1) * 100, worstWindow / (1 << 20));
    System.out.println("RateLimitTest " + d);
    StringBuilder series = new StringBuilder();
    for (int i = 0; i < s.size(); i += 10) {
      series.append(String.format("%.1fs:%dK ", (s.get(i)[0] - s.get(0)[0]) / 1e9, (s.get(i)[1] - s.get(0)[1]) >> 10));
    }
    System.out.println("RateLimitTest series " + series);
    assertThat(rate).as(d).isBetween(LIMIT * 0.8, LIMIT * 1.2);
    assertThat(worstWindow).as(d).isLessThanOrEqualTo(LIMIT * 1.2);
    assertThat(seconds).as(d).isGreaterThan(20);
    return d;
  }

  @Test
  void uploadAndRestoreRatesStayAtTheLimit() throws Exception {
    S3Server server = S3Servers.S3MOCK.server();
    try (S3Front front = S3Front.builder(server.endpoint()).start()) {
      URI uri = server.replicaUri(front.endpoint(), S3Servers.SHARED_BUCKET, S3Servers.newPrefix());
      Path db = dir.resolve("big.db");
      try (Connection c = Dbs.create(db)) {
        for (int i = 0; i < MB; i++) {
          Dbs.insert(c, i, 1, 1 << 20);
        }
        Dbs.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      }
      try (Sampler up = new Sampler(front, S3Front.Counts::bytesUp);
          Replicator r = Replicator.of(db).to(uri).uploadRateLimit(LIMIT).syncTimeout(Duration.ofMinutes(3)).start()) {
        r.sync();
        Thread.sleep(300);
        check("upload", up.transfer());
      }
      Path out = dir.resolve("restored.db");
      try (Sampler down = new Sampler(front, S3Front.Counts::bytesDown)) {
        Restore.from(uri).to(out).rateLimit(LIMIT).run();
        Thread.sleep(300);
        check("restore", down.transfer());
      }
      assertThat(Dbs.scalar(out, "SELECT count(*) FROM t")).isEqualTo(MB);
    }
  }
}
