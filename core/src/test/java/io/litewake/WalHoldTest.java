package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the replicator's read transaction sits in the WAL decides what the application's commits
 * pay: on read mark 0 every commit past SQLite's auto-checkpoint threshold sorts the whole WAL
 * for a checkpoint that cannot run; moved up at every pass, each commit after the move copies
 * the frames below it into the database. Both are seen from the application as the result of
 * its own {@code PRAGMA wal_checkpoint(PASSIVE)}.
 */
class WalHoldTest {
  @TempDir Path dir;

  @Test
  void holdLeavesReadMarkZeroAsSoonAsTheApplicationRewritesTheWal() throws Exception {
    Path db = dir.resolve("restart.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Path wal = Path.of(db + "-wal");
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofHours(1))
            .minCheckpointPages(10).maxCheckpointPages(40).start()) {
      for (int i = 0; i < 60; i++) {
        Dbs.insert(app, 1, 1, 100); // one frame each: the early pass restarts the WAL past 40
      }
      // the early pass copies and backfills the whole WAL under the write lock and leaves its
      // hold on read mark 0; the application's next commit then restarts the WAL in place
      // (new salts, same file)
      byte[] before = walSalts(wal);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (java.util.Arrays.equals(walSalts(wal), before)) {
        assertThat(System.nanoTime()).as("WAL restarted by the application").isLessThan(deadline);
        Thread.sleep(50);
        Dbs.insert(app, 3, 1, 100);
      }
      assertThat(Files.size(wal)).as("restarted in place, not truncated").isGreaterThan(40L * 4096);
      // the hold that allowed the restart sat on read mark 0; the application writes on
      Dbs.insert(app, 2, 1, 100);
      long[] ck = {0, 0};
      deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        ck = passiveCheckpoint(app);
        if (ck[1] > 0) {
          break;
        }
        Thread.sleep(10);
      }
      assertThat(ck[1]).as("frames the application could checkpoint (log %d)", ck[0]).isPositive();
      r.sync();
      assertRestores(uri, app);
    }
  }

  @Test
  void holdStaysPutBetweenWalRestartsSoTheApplicationDoesNotBackfillForIt() throws Exception {
    Path db = dir.resolve("steady.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
      for (int i = 0; i < 100; i++) {
        Dbs.insert(app, 1, 1, 100);
        Thread.sleep(10); // about 20 passes, each shipping a few frames
      }
      r.sync();
      long[] ck = passiveCheckpoint(app);
      assertThat(ck[0]).isGreaterThanOrEqualTo(100);
      assertThat(ck[1]).as("frames below the replicator's hold (log %d)", ck[0]).isLessThan(ck[0] / 2);
      assertRestores(uri, app);
    }
  }

  @Test
  void walFileLeftLargeByABurstIsTruncatedOnceTheWriterPauses() throws Exception {
    Path db = dir.resolve("burst.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Path wal = Path.of(db + "-wal");
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50))
            .minCheckpointPages(10).maxCheckpointPages(40).start()) {
      for (int i = 0; i < 400; i++) {
        Dbs.insert(app, 1, 1, 100); // one frame each, faster than the replicator's passes
      }
      r.sync();
      long peak = Files.size(wal);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (Files.size(wal) > 40L * (4096 + 24) + 32) {
        assertThat(System.nanoTime()).as("idle WAL of %d bytes (peak %d) truncated", Files.size(wal), peak)
            .isLessThan(deadline);
        Thread.sleep(20);
      }
      Dbs.insert(app, 2, 5, 100); // the truncated WAL starts a new life: the generation goes on
      r.sync();
      assertRestores(uri, app);
      assertThat(Restore.from(uri).list().generations()).hasSize(1);
    }
  }

  /** The two salts of the WAL header (bytes 16 to 23), or an empty array without a header. */
  private static byte[] walSalts(Path wal) throws Exception {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(wal)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
      while (b.hasRemaining() && ch.read(b, 16 + b.position()) > 0) {
        // read on
      }
      return b.hasRemaining() ? new byte[0] : b.array();
    }
  }

  /** The application's own PASSIVE checkpoint: {log frames, checkpointed frames}. */
  private static long[] passiveCheckpoint(Connection app) throws Exception {
    try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
      return new long[] {rs.getLong(2), rs.getLong(3)};
    }
  }

  private void assertRestores(URI uri, Connection app) throws Exception {
    Path out = dir.resolve("restored-" + System.nanoTime() + ".db");
    Restore.from(uri).to(out).run();
    assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
  }
}
