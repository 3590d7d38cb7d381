package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generations continue whenever continuity can be proven, and only then. */
class ContinuityTest {
  @TempDir Path dir;

  @Test
  void cleanCloseAsLastConnectionContinuesTheGeneration() throws Exception {
    Path db = dir.resolve("clean.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    try (Connection c = Dbs.create(db)) {
      Dbs.insert(c, 1, 100, 100);
    }
    String gen;
    try (Replicator r = Replicator.of(db).to(uri).start(); Connection c = Dbs.open(db)) {
      Dbs.insert(c, 2, 100, 100);
      r.sync();
      gen = r.status().position().generation();
    } // the app's connection closed first: closing the replicator removes the WAL
    assertThat(Path.of(db + "-wal")).doesNotExist();
    try (Replicator r = Replicator.of(db).to(uri).start(); Connection c = Dbs.open(db)) {
      assertThat(r.status().position().generation()).as("unchanged database, proven by fingerprint").isEqualTo(gen);
      Dbs.insert(c, 3, 100, 100);
      r.sync();
    }
    Path out = dir.resolve("out.db");
    Restore.from(uri).to(out).run();
    assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(db));

    // changed while stopped (written and checkpointed away): a new generation
    try (Connection c = Dbs.open(db)) {
      Dbs.insert(c, 4, 10, 10);
    }
    try (Replicator r = Replicator.of(db).to(uri).start()) {
      assertThat(r.status().position().generation()).isNotEqualTo(gen);
    }
    Path out2 = dir.resolve("out2.db");
    Restore.from(uri).to(out2).run();
    assertThat(Dbs.dump(out2)).isEqualTo(Dbs.dump(db));
  }

  @Test
  void spooledObjectsTheStateDoesNotRecordAreNeverUploaded() throws Exception {
    Path db = dir.resolve("unrecorded.db");
    Path replica = Files.createDirectories(dir.resolve("replica-u"));
    String gen;
    try (Connection c = Dbs.create(db); Replicator r = Replicator.of(db).to(replica.toUri()).start()) {
      Dbs.insert(c, 1, 20, 20);
      r.sync();
      gen = r.status().position().generation();
      // what a crash between spooling a segment and saving the state leaves behind
      String key = "generations/" + gen + "/wal/00000000_00000020.wal.zst";
      Path queue = dir.resolve(".unrecorded.db-litewake/queue");
      Files.writeString(queue.resolve(String.format("%016d", 999_999) + "~" + key.replace('/', '~')), "garbage");
    }
    try (Connection c = Dbs.open(db); Replicator r = Replicator.of(db).to(replica.toUri()).start()) {
      Dbs.insert(c, 2, 20, 20);
      r.sync();
    }
    assertThat(replica.resolve("generations/" + gen + "/wal/00000000_00000020.wal.zst")).doesNotExist();
    Path out = dir.resolve("unrecorded-out.db");
    Restore.from(replica.toUri()).to(out).run();
    assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(db));
  }

  @Test
  void closeShipsAndUploadsEverythingCommittedWithoutSync() throws Exception {
    Path db = dir.resolve("burst.db");
    Path replica = Files.createDirectories(dir.resolve("replica-b"));
    try (Connection c = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(replica.toUri()).start();
      for (int i = 0; i < 60; i++) {
        Dbs.insert(c, i, 250, 2000); // a 30 MB burst, well inside one sync interval
      }
      r.close(); // no sync(): close ships the rest and waits for its upload
      Path out = dir.resolve("burst-out.db");
      Restore.from(replica.toUri()).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(c));
    }
    try (var spooled = Files.list(dir.resolve(".burst.db-litewake/queue"))) {
      assertThat(spooled.toList()).as("nothing left in the spool").isEmpty();
    }
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void snapshotsOnIntervalAndRetentionKeepsWhatRestoresNeed() throws Exception {
    Path db = dir.resolve("ret.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    MovableClock clock = new MovableClock();
    try (Connection c = Dbs.create(db);
        Replicator r = Replicator.of(db).to(uri).clock(clock).syncInterval(Duration.ofMillis(50))
            .snapshotInterval(Duration.ofHours(1)).retention(Duration.ofHours(5)).minCheckpointPages(1).start()) {
      for (int round = 0; round < 3; round++) {
        Dbs.insert(c, round, 300, 200);
        r.sync();
        Thread.sleep(300); // passive checkpoints let the WAL restart: new indexes
        Dbs.insert(c, round, 10, 10);
        r.sync();
        clock.now.updateAndGet(t -> t.plus(Duration.ofMinutes(61)));
        awaitSnapshots(uri, round + 2);
      }
      ReplicaContents before = Restore.from(uri).list();
      Generation g = before.latest().orElseThrow();
      assertThat(g.snapshots()).hasSizeGreaterThanOrEqualTo(3);
      long firstWalIndex = g.walSegments().get(0).index();
      // jump past the retention window: only the newest snapshot and what follows it remain
      clock.now.updateAndGet(t -> t.plus(Duration.ofHours(6)));
      Dbs.insert(c, 99, 1, 1);
      r.sync();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      ReplicaContents after;
      do {
        Thread.sleep(100);
        after = Restore.from(uri).list();
      } while (after.latest().orElseThrow().snapshots().size() > 1 && System.nanoTime() < deadline);
      Generation ga = after.latest().orElseThrow();
      assertThat(ga.snapshots()).hasSize(1);
      long base = ga.snapshots().get(0).index();
      assertThat(ga.walSegments()).allMatch(w -> w.index() >= base);
      assertThat(base).isGreaterThan(firstWalIndex);
      Path out = dir.resolve("after-retention.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(c));
    }
  }

  private static void awaitSnapshots(URI uri, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (Restore.from(uri).list().latest().orElseThrow().snapshots().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + n + " snapshots in " + Restore.from(uri).list());
      }
      Thread.sleep(50);
    }
  }
}
