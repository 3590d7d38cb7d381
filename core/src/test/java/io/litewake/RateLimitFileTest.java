package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.spi.Throttle;
import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits on a {@code file:} replica (copies paced in 64 KiB chunks): an 8 MiB snapshot at 2
 * MiB/s takes about four seconds to upload and to restore; the options check their values.
 * (The wire-level measurement over 30 s is {@code RateLimitTest} in the s3 module.)
 */
class RateLimitFileTest {
  static final long LIMIT = 2L << 20;

  @TempDir Path dir;

  @Test
  void uploadsAndRestoresTakeTheTimeTheLimitGives() throws Exception {
    Path db = dir.resolve("app.db");
    URI replica = dir.resolve("replica").toUri();
    try (Connection c = Dbs.create(db)) {
      for (int i = 0; i < 8; i++) {
        Dbs.insert(c, i, 1, 1 << 20);
      }
      Dbs.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    long t0 = System.nanoTime();
    try (Replicator r = Replicator.of(db).to(replica).compression(Compression.LZ4).uploadRateLimit(LIMIT).start()) {
      r.sync();
    }
    double up = (System.nanoTime() - t0) / 1e9;
    long bytes = Restore.from(replica).list().latest().orElseThrow().snapshots().get(0).size();
    double expected = bytes / (double) LIMIT;
    System.out.printf("RateLimitFileTest: upload of %d bytes in %.2f s (%.2f MiB/s)%n", bytes, up, bytes / up / (1 << 20));
    assertThat(up).isBetween(expected * 0.8, expected * 1.2 + 0.5);

    long t1 = System.nanoTime();
    RestoreResult res = Restore.from(replica).to(dir.resolve("out.db")).rateLimit(LIMIT).run();
    double down = (System.nanoTime() - t1) / 1e9;
    System.out.printf("RateLimitFileTest: restore of %d bytes in %.2f s (%.2f MiB/s)%n", res.downloadedBytes(), down,
        res.downloadedBytes() / down / (1 << 20));
    assertThat(down).isBetween(res.downloadedBytes() / (double) LIMIT * 0.8, res.downloadedBytes() / (double) LIMIT * 1.2 + 0.5);
    assertThat(Dbs.scalar(dir.resolve("out.db"), "SELECT count(*) FROM t")).isEqualTo(8);
  }

  @Test
  void badValuesAreRefusedNamingThem() {
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).uploadRateLimit(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uploadRateLimit").hasMessageContaining("0");
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).uploadRateLimit(5).uploadRateLimit(6))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    assertThatThrownBy(() -> Restore.from(dir.toUri()).rateLimit(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rateLimit");
    assertThatThrownBy(() -> Throttle.perSecond(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theScheduleIsSharedAndKeepsNoCreditWhileIdle() throws Exception {
    Throttle t = Throttle.perSecond(1 << 20);
    assertThat(t.reserve(512 * 1024)).isZero();
    long wait = t.reserve(512 * 1024);
    assertThat(wait).isBetween(400_000_000L, 510_000_000L); // the first half second is taken
    Thread.sleep(1500); // idle: at most the catch-up allowance is saved
    assertThat(t.reserve(1 << 20)).isZero();
    assertThat(t.reserve(1)).isGreaterThan(Duration.ofMillis(900).toNanos());
  }
}
