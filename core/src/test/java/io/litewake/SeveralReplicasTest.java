package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testing.Await;
import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several replicas of one database, and what must not leak from one replica into another or
 * into {@code sync()}'s promise: a fenced replica, a replica whose spool limit dropped history, an
 * idle old writer's retention, a listener that throws.
 */
class SeveralReplicasTest {
  @TempDir Path dir;

  private URI replica(String name) throws Exception {
    return Files.createDirectories(dir.resolve(name)).toUri();
  }

  @Test
  void aReplicaFencedByAnotherWriterDoesNotStopTheOther() throws Exception {
    URI a = replica("a");
    URI b = replica("b");
    Path db = dir.resolve("app.db");
    Path other = Files.createDirectories(dir.resolve("other")).resolve("app.db");
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(a, b).syncInterval(Duration.ofMillis(50))
            .fencingCheckInterval(Duration.ofMillis(100)).start()) {
      Dbs.insert(app, 1, 10, 100);
      r.sync();
      // another instance takes replica a over (and only a)
      Restore.from(a).to(other).run();
      try (Connection c = Dbs.open(other); Replicator taker = Replicator.of(other).to(a).start()) {
        Dbs.insert(c, 9, 1, 10);
        taker.sync();
      }
      Await.until(Duration.ofSeconds(20), "replica a is fenced", () -> {
        try {
          Dbs.insert(app, 2, 1, 10);
        } catch (java.sql.SQLException e) {
          throw new AssertionError(e);
        }
        return r.status().replicas().get(0).fenced();
      });
      assertThatThrownBy(r::sync).isInstanceOf(FencedException.class).hasMessageContaining(a.getPath().replaceAll("/$", ""));
      // b goes on: every commit reaches it
      Dbs.insert(app, 3, 30, 100);
      List<String> expected = Dbs.dump(app);
      AtomicInteger attempt = new AtomicInteger();
      Await.until(Duration.ofSeconds(20), "replica b holds every commit", () -> {
        Path restored = dir.resolve("from-b-" + attempt.incrementAndGet() + ".db");
        try {
          Restore.from(b).to(restored).run();
          return Dbs.dump(restored).equals(expected);
        } catch (java.sql.SQLException e) {
          throw new AssertionError(e);
        }
      });
      assertThat(r.status().replicas().get(1).fenced()).isFalse();
    }
  }

  @Test
  void syncNeverCountsHistoryDroppedAtTheSpoolLimitAsReplicated() throws Exception {
    Path store = Files.createDirectories(dir.resolve("store"));
    Path db = dir.resolve("limit.db");
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(store.toUri()).syncInterval(Duration.ofMillis(20)).spoolLimit(128 * 1024)
            .listener(new ReplicationListener() {}).start()) {
      Dbs.insert(app, 1, 10, 100);
      r.sync();
      String first = r.status().position().generation();
      Files.move(store, dir.resolve("away"));
      Files.writeString(store, "not a directory"); // the store is down
      Dbs.insert(app, 2, 5, 100);
      AtomicReference<Throwable> outcome = new AtomicReference<>();
      Thread syncing = new Thread(() -> {
        try {
          r.sync(Duration.ofSeconds(60));
          outcome.set(new AssertionError("returned"));
        } catch (Throwable t) {
          outcome.set(t);
        }
      });
      syncing.start();
      for (int i = 0; i < 40; i++) {
        Dbs.insert(app, 3, 20, 500); // past the spool limit: the pending history is dropped
        Thread.sleep(5);
      }
      Await.until(Duration.ofSeconds(10), "a new generation after the spool limit",
          () -> !r.status().position().generation().equals(first));
      Thread.sleep(500);
      assertThat(outcome.get()).as("sync() while the dropped history is not in the store").isNull();
      Files.delete(store);
      Files.move(dir.resolve("away"), store);
      syncing.join(60_000);
      assertThat(outcome.get()).as("sync() returns once the new generation's snapshot is there")
          .hasMessage("returned");
      Path restored = dir.resolve("restored.db");
      Restore.from(store.toUri()).to(restored).run();
      assertThat(Dbs.scalar(restored, "SELECT count(*) FROM t WHERE writer = 2")).isEqualTo(5L);
    }
  }

  @Test
  void anIdleOldWriterNeverDeletesTheNewWritersHistory() throws Exception {
    URI uri = replica("shared");
    Path blueDb = Files.createDirectories(dir.resolve("blue")).resolve("app.db");
    Path greenDb = Files.createDirectories(dir.resolve("green")).resolve("app.db");
    ContinuityTest.MovableClock blueClock = new ContinuityTest.MovableClock();
    try (Connection blue = Dbs.create(blueDb);
        Replicator b = Replicator.of(blueDb).to(uri).clock(blueClock).retention(Duration.ofHours(1))
            .syncInterval(Duration.ofMillis(50)).start()) {
      Dbs.insert(blue, 1, 10, 100);
      b.sync();
      Restore.from(uri).to(greenDb).run();
      try (Connection green = Dbs.open(greenDb); Replicator g = Replicator.of(greenDb).to(uri).start()) {
        Dbs.insert(green, 2, 10, 100);
        g.sync();
        String greenGen = g.status().position().generation();
        // blue writes nothing more; its clock runs two hours ahead: its retention pass comes due
        blueClock.now.updateAndGet(t -> t.plus(Duration.ofHours(2)));
        Thread.sleep(3000); // blue's retention wakes up every second while idle
        assertThat(Restore.from(uri).list().generation(greenGen)).as("green's history").isPresent();
        Path restored = dir.resolve("latest.db");
        Restore.from(uri).to(restored).run();
        assertThat(Dbs.dump(restored)).isEqualTo(Dbs.dump(green));
      }
    }
  }

  @Test
  void aListenerThatThrowsAnErrorStopsNothing() throws Exception {
    Path db = dir.resolve("listener.db");
    AtomicInteger calls = new AtomicInteger();
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(replica("l")).syncInterval(Duration.ofMillis(50))
            .listener(new ReplicationListener() {
              @Override
              public void uploaded(String replica, String key, long bytes, boolean snapshot) {
                calls.incrementAndGet();
                throw new AssertionError("a listener's bug");
              }
            }).start()) {
      for (int i = 0; i < 5; i++) {
        Dbs.insert(app, i, 5, 100);
        r.sync(Duration.ofSeconds(10));
      }
      assertThat(calls.get()).isGreaterThanOrEqualTo(5);
      assertThat(r.status().lag()).isEqualTo(Duration.ZERO);
      assertThat(Instant.now()).isNotNull();
    }
  }
}
