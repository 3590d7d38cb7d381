package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.ReplicationListener;
import io.litewake.Restore;
import io.litewake.testing.Await;
import io.litewake.testing.CountingReplica;
import io.litewake.testing.Dbs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hazards of the single-class engine, each pinned down: readers never wait for replication
 * work, close is bounded by closeTimeout, and the spool limit dropping entries while uploads run
 * is not an upload failure. Replication steps are blocked on latches, not on timing.
 */
class EngineHazardsTest {
  @TempDir Path dir;

  @AfterEach
  void clearHooks() {
    Hooks.beforeSnapshot = null;
    Hooks.beforeWriteLock = null;
  }

  /**
   * The median of {@code n} status() calls, in nanoseconds, after checking that none took 500 ms
   * (the blocked step takes a second, or until the latch opens): a single call may lose its core
   * for a few milliseconds on a loaded 2-core machine, which says nothing about blocking.
   */
  private static long slowestStatus(Replicator r, int n) {
    long[] took = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      assertThat(r.status().position()).isNotNull();
      took[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(took);
    assertThat(Duration.ofNanos(took[n - 1])).as("the slowest status()").isLessThan(Duration.ofMillis(500));
    return took[n / 2];
  }

  @Test
  void statusAnswersWhileA200MbSnapshotIsBeingWritten() throws Exception {
    Path db = dir.resolve("big.db");
    try (Connection app = Dbs.create(db); Statement s = app.createStatement()) {
      s.execute("CREATE TABLE blobs (b BLOB)");
      s.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) "
          + "INSERT INTO blobs SELECT randomblob(1048576) FROM c");
      try (Replicator r = Replicator.of(db).to(dir.resolve("replica").toUri())
          .syncInterval(Duration.ofMillis(50)).snapshotInterval(Duration.ofMillis(200)).start()) {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Hooks.beforeSnapshot = () -> {
          entered.countDown();
          await(release);
        };
        s.execute("INSERT INTO blobs VALUES (x'01')"); // changed: the next interval takes a snapshot
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("a snapshot started").isTrue();
        try {
          slowestStatus(r, 50); // warm up
          assertThat(Duration.ofNanos(slowestStatus(r, 200))).isLessThan(Duration.ofMillis(5));
        } finally {
          Hooks.beforeSnapshot = null;
          release.countDown();
        }
        r.sync();
      }
    }
  }

  @Test
  void statusAnswersWhileTheWriteLockWaitsForTheApplication() throws Exception {
    Path db = dir.resolve("locked.db");
    try (Connection app = Dbs.create(db); Statement s = app.createStatement()) {
      Dbs.insert(app, 1, 10, 100);
      Replicator r = Replicator.of(db).to(dir.resolve("replica").toUri()).start();
      r.sync();
      CountDownLatch entered = new CountDownLatch(1);
      Hooks.beforeWriteLock = entered::countDown;
      s.execute("BEGIN IMMEDIATE"); // the application holds the write lock
      s.execute("INSERT INTO t (writer, seq, payload) VALUES (0, 0, x'00')");
      Thread closer = new Thread(r::close); // close's final pass asks for the write lock (waits up to 1 s)
      closer.start();
      try {
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the final pass asks for the write lock").isTrue();
        slowestStatus(r, 20);
        assertThat(Duration.ofNanos(slowestStatus(r, 200))).isLessThan(Duration.ofMillis(5));
      } finally {
        s.execute("COMMIT");
        closer.join(30_000);
      }
    }
  }

  @Test
  void closeWithAStoreThatHangsReturnsWithinCloseTimeout() throws Exception {
    Path db = dir.resolve("hang.db");
    CountingReplica replica = new CountingReplica(new FileReplica(dir.resolve("replica")));
    try (Connection app = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(replica).closeTimeout(Duration.ofSeconds(2)).start();
      r.sync();
      replica.hangPuts = true; // uploads block, ignoring interrupts, like a call to an endpoint that never answers
      Dbs.insert(app, 1, 50, 200);
      long t0 = System.nanoTime();
      r.close();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(replica.hung.get()).as("an upload was under way while closing").isPositive();
    } finally {
      replica.failPuts = true; // the blocked upload ends
    }
  }

  @Test
  void theSpoolLimitDroppingEntriesWhileUploadsRunIsNoUploadFailure() throws Exception {
    Path db = dir.resolve("overflow.db");
    CountingReplica replica = new CountingReplica(new FileReplica(dir.resolve("replica")));
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Integer> overflows = new CopyOnWriteArrayList<>();
    ReplicationListener listener = new ReplicationListener() {
      @Override
      public void uploadFailed(String location, String key, boolean snapshot, Exception error, int n) {
        failures.add(key + ": " + error);
      }

      @Override
      public void spoolOverflowed(int objects, long bytes) {
        overflows.add(objects);
      }
    };
    try (Connection app = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(replica).spoolLimit(64 * 1024).syncInterval(Duration.ofMillis(20))
          .listener(listener).start();
      r.sync();
      replica.hangPuts = true; // an upload is under way and does not finish
      for (int i = 0; i < 40 && overflows.isEmpty(); i++) {
        Dbs.insert(app, 2, 20, 500);
        Thread.sleep(30);
      }
      Await.until(Duration.ofSeconds(20), "the spool limit was reached during the upload", () -> !overflows.isEmpty());
      assertThat(replica.hung.get()).isPositive();
      replica.hangPuts = false; // the upload under way completes; the dropped entries are not retried
      Dbs.insert(app, 3, 5, 100);
      r.sync();
      assertThat(failures).as("uploads that failed").isEmpty();
      r.close();
      Path out = dir.resolve("restored.db");
      Restore.from(dir.resolve("replica").toUri()).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
