package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots that need a WAL index of their own (kept restore points, append-only replicas) while
 * two writers commit back to back (at most 3 ms apart): they still happen (the WAL is truncated in a gap between
 * commits, or restarted by the next commit after a brief write lock), without losing a frame.
 * Every snapshot has its own key, the latest restore equals the source, and a restore ending at
 * each snapshot's WAL index is a sound database.
 */
class FreshIndexSnapshotsTest {
  @TempDir Path dir;

  @Test
  void snapshotsUnderConcurrentWritersAreDistinctAndSound() throws Exception {
    Path db = dir.resolve("busy.db");
    URI replica = dir.resolve("replica").toUri();
    List<String> snapshots = new CopyOnWriteArrayList<>();
    ReplicationListener l = new ReplicationListener() {
      @Override
      public void snapshotTaken(String key, long bytes) {
        snapshots.add(key);
      }
    };
    try (Connection setup = Dbs.create(db)) {
      Dbs.insert(setup, 0, 50, 200);
    }
    try (Replicator r = Replicator.of(db).to(replica).listener(l).keepDailySnapshots(1)
        .syncInterval(Duration.ofMillis(30)).snapshotInterval(Duration.ofMillis(150)).start()) {
      // writers commit flat out until four more snapshots were taken (each waits for a gap between
      // commits, or for the WAL restart that the next commit makes), a minute at most
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      List<Thread> writers = new ArrayList<>();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      for (int w = 1; w <= 2; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          try (Connection c = Dbs.open(db)) {
            while (System.nanoTime() < end && snapshots.size() < 5) {
              Dbs.insert(c, writer, 1 + ThreadLocalRandom.current().nextInt(20), 300);
              Dbs.exec(c, "DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY random() LIMIT 2)");
              Thread.sleep(ThreadLocalRandom.current().nextInt(4)); // busy, as an application is: no pauses longer
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        writers.add(t);
        t.start();
      }
      for (Thread t : writers) {
        t.join();
      }
      assertThat(errors).isEmpty();
      r.sync();
    }
    assertThat(snapshots).hasSizeGreaterThanOrEqualTo(5).doesNotHaveDuplicates();
    Path latest = dir.resolve("latest.db");
    Restore.from(replica).to(latest).run();
    assertThat(Dbs.dump(latest)).isEqualTo(Dbs.dump(db));
    Generation g = Restore.from(replica).list().latest().orElseThrow();
    for (Snapshot s : g.snapshots()) {
      Path out = dir.resolve("at-" + s.index() + ".db");
      RestoreResult res = Restore.from(replica).to(out).generation(g.id()).index(s.index()).run();
      assertThat(res.snapshotIndex()).hasValue(s.index());
      assertThat(Dbs.integrity(out)).isEqualTo("ok");
    }
  }
}
