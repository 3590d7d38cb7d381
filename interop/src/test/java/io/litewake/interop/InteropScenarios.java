package io.litewake.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.spi.Replica;
import io.litewake.testsupport.Await;
import io.litewake.testsupport.Litestream;
import io.litewake.testing.Dbs;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Litewake and the real Litestream v0.3.13 binary on the same replica, both directions. Subclasses
 * choose the replica (directory, S3).
 *
 * <p>Points in time are object storage timestamps (file mtime, S3 LastModified, which S3 gives to
 * the second): states that a point-in-time restore must tell apart are written more than a second
 * apart, and the instant is taken only after the earlier state is in the replica.
 */
abstract class InteropScenarios extends InteropBase {
  // ------------------------------------------------------------------ Litewake -> Litestream

  /**
   * A Litewake LZ4 replica of a busy database (two writers, idle gaps, small checkpoint limits so
   * the WAL restarts: several WAL indexes and snapshots) restores with {@code litestream restore},
   * latest and at a point in time, equal row for row.
   */
  @Test
  void litewakeReplicaRestoresWithLitestream() throws Exception {
    ReplicaTarget target = newTarget(dir, "lw2ls");
    Replica rep = replica(target);
    Path db = dir.resolve("app.db");
    seed(db);
    List<String> atPit;
    Instant pit;
    try (Replicator r = Replicator.of(db).to(target.litewakeUri())
        .compression(Compression.LZ4)
        .syncInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ofSeconds(2))
        .minCheckpointPages(8)
        .maxCheckpointPages(24)
        .start()) {
      busy(db, 2, Duration.ofMillis(1500));
      Thread.sleep(600); // idle: the replicator checkpoints, the next write restarts the WAL
      busy(db, 2, Duration.ofMillis(1500));
      r.sync();
      atPit = Dbs.dump(db);
      pit = Instant.now();
      Thread.sleep(1300); // the next objects are stamped at least a second later
      busy(db, 2, Duration.ofMillis(1000));
      Thread.sleep(300);
      busy(db, 1, Duration.ofMillis(500));
    }
    List<String> end = Dbs.dump(db);
    assertThat(end).isNotEqualTo(atPit);

    ReplicaContents contents = Restore.from(target.litewakeUri()).list();
    assertThat(contents.generations()).hasSize(1);
    Generation g = contents.generations().get(0);
    assertThat(g.walSegments()).allMatch(w -> w.compression() == Compression.LZ4);
    assertThat(g.snapshots()).allMatch(s -> s.compression() == Compression.LZ4);
    assertThat(g.lastIndex()).as("WAL indexes in %s", describe(g)).isGreaterThanOrEqualTo(3);
    assertThat(g.snapshots()).as("snapshots in %s", describe(g)).hasSizeGreaterThanOrEqualTo(2);

    Path cfg = litestream.config(db, target.litestreamReplicaYaml());
    Path latest = dir.resolve("litestream-latest.db");
    litestream.restore(cfg, db, latest);
    assertThat(Dbs.integrity(latest)).isEqualTo("ok");
    assertThat(Dbs.dump(latest)).isEqualTo(end);

    Path atTime = dir.resolve("litestream-pit.db");
    litestream.restore(cfg, db, atTime, "-timestamp", Litestream.timestamp(pit));
    assertThat(Dbs.integrity(atTime)).isEqualTo("ok");
    assertThat(Dbs.dump(atTime)).as("litestream restore -timestamp %s", pit).isEqualTo(atPit);

    // a WAL index in the middle: litestream restore -generation G -index N equals Litewake's own restore
    long mid = g.lastIndex() / 2;
    Path lsIndex = dir.resolve("litestream-index.db");
    litestream.restore(cfg, db, lsIndex, "-generation", g.id(), "-index", String.format("%08x", mid));
    Path lwIndex = dir.resolve("litewake-index.db");
    Restore.from(rep).to(lwIndex).generation(g.id()).index(mid).run();
    assertThat(Dbs.dump(lsIndex)).isEqualTo(Dbs.dump(lwIndex));

    if (target.litestreamUrl() != null) {
      Path byUrl = dir.resolve("litestream-url.db");
      litestream.restoreUrl(target.litestreamUrl(), byUrl);
      assertThat(Dbs.dump(byUrl)).isEqualTo(end);
    }
  }

  // ------------------------------------------------------------------ Litestream -> Litewake

  /**
   * {@code litestream replicate} runs while the application writes, checkpoints (PASSIVE and
   * TRUNCATE, besides Litestream's own) and writes again; Litewake restores the latest state and
   * earlier points in time from what Litestream wrote.
   */
  @Test
  void litestreamReplicaRestoresWithLitewake() throws Exception {
    ReplicaTarget target = newTarget(dir, "ls2lw");
    Replica rep = replica(target);
    Path db = dir.resolve("app.db");
    seed(db);
    Path cfg = litestream.config(db, target.litestreamReplicaYaml() + "\n  sync-interval: 100ms",
        "monitor-interval: 100ms", "min-checkpoint-page-count: 16", "max-checkpoint-page-count: 200");
    List<List<String>> states = new ArrayList<>();
    List<Instant> instants = new ArrayList<>();
    List<String> end;
    try (Connection app = Dbs.open(db); Litestream.Replicating ls = litestream.replicate(cfg)) {
      for (int phase = 1; phase <= 3; phase++) {
        for (int i = 0; i < 6; i++) {
          write(app, phase, 40);
        }
        String mode = phase == 1 ? "PASSIVE" : "TRUNCATE";
        Dbs.exec(app, "PRAGMA busy_timeout=300");
        checkpoint(app, mode);
        Dbs.exec(app, "PRAGMA busy_timeout=10000");
        write(app, phase, 30);
        List<String> state = userTables(Dbs.dump(app));
        awaitRestorable(rep, state, ls);
        states.add(state);
        instants.add(Instant.now());
        Thread.sleep(1200); // later objects get a later (second-resolution) timestamp
      }
      write(app, 9, 50);
      ls.stop(); // SIGTERM: litestream syncs what is left and exits
      end = Dbs.dump(app);
    }

    ReplicaContents contents = Restore.from(rep).list();
    Generation newest = contents.latest().orElseThrow();
    assertThat(newest.lastIndex()).as("WAL indexes Litestream wrote: %s", describe(contents))
        .isGreaterThanOrEqualTo(2);

    Path latest = dir.resolve("litewake-latest.db");
    RestoreResult r = Restore.from(target.litewakeUri()).to(latest).run();
    assertThat(r.restored()).isTrue();
    assertThat(r.generation()).contains(newest.id());
    assertThat(Dbs.integrity(latest)).isEqualTo("ok");
    // Litestream's _litestream_seq/_litestream_lock are data: after the final sync, all of it matches
    assertThat(Dbs.dump(latest)).isEqualTo(end);

    for (int i = 0; i < states.size(); i++) {
      Path out = dir.resolve("litewake-pit-" + i + ".db");
      Restore.from(rep).to(out).at(instants.get(i)).run();
      assertThat(Dbs.integrity(out)).isEqualTo("ok");
      assertThat(userTables(Dbs.dump(out))).as("Restore.at(%s), phase %s", instants.get(i), i + 1)
          .isEqualTo(states.get(i));
    }
  }

  /**
   * What retention does to Litestream's generations: nothing while they are inside the retention
   * window; once Litewake's own generation covers the whole window and their newest object is
   * older than it, they are removed like any older generation (a clock two days ahead stands in
   * for the wait).
   */
  @Test
  void retentionRemovesForeignGenerationsOnlyOutsideTheWindow() throws Exception {
    ReplicaTarget target = newTarget(dir, "retention");
    Replica rep = replica(target);
    Path db = dir.resolve("app.db");
    seed(db);
    Path cfg = litestream.config(db, target.litestreamReplicaYaml() + "\n  sync-interval: 100ms",
        "monitor-interval: 100ms");
    try (Connection app = Dbs.open(db); Litestream.Replicating ls = litestream.replicate(cfg)) {
      write(app, 1, 40);
      awaitRestorable(rep, userTables(Dbs.dump(app)), ls);
      ls.stop();
    }
    String litestreamGen = Restore.from(rep).list().generations().get(0).id();

    // one hour later, retention 24 h: Litestream's generation is inside the window and stays
    Clock inAnHour = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    try (Replicator r = Replicator.of(db).to(target.litewakeUri()).compression(Compression.LZ4)
        .syncInterval(Duration.ofMillis(100)).clock(inAnHour).start()) {
      write(db, 2, 20);
      r.sync();
      Thread.sleep(500);
    }
    assertThat(Restore.from(rep).list().generation(litestreamGen)).isPresent();

    // two days later: Litewake's generation (restarted, continuing) covers the window, Litestream's is older than it
    Clock inTwoDays = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
    try (Replicator r = Replicator.of(db).to(target.litewakeUri()).compression(Compression.LZ4)
        .syncInterval(Duration.ofMillis(100)).clock(inTwoDays).start()) {
      write(db, 3, 20);
      r.sync();
      Await.until("retention removes generation " + litestreamGen, Duration.ofSeconds(10),
          () -> Restore.from(rep).list().generation(litestreamGen).isEmpty());
    }
    Path out = dir.resolve("after-retention.db");
    Restore.from(rep).to(out).run();
    assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(db));
  }

}
