package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.internal.FileReplica;
import io.litewake.testing.Await;
import io.litewake.testing.Dbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore work stays bounded under constant writes: a snapshot is taken once the WAL since the last
 * one passes a multiple of the database's size, or a count of segments, long before the snapshot
 * interval (24 h here), so a restore of the latest state fetches about the database's size.
 */
class BoundedRestoreTest {
  @TempDir Path dir;

  /** Rewrites the same rows with random (incompressible) payloads, one transaction per call. */
  private static void rewrite(Connection c, Random rnd, int rows, int ids) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("UPDATE t SET payload = ? WHERE id = ?")) {
      for (int i = 0; i < rows; i++) {
        byte[] b = new byte[1000];
        rnd.nextBytes(b);
        ps.setBytes(1, b);
        ps.setInt(2, 1 + rnd.nextInt(ids));
        ps.executeUpdate();
      }
    }
    c.commit();
    c.setAutoCommit(true);
  }

  private static long snapshots(ReplicaContents contents) {
    return contents.generations().stream().mapToLong(g -> g.snapshots().size()).sum();
  }

  @Test
  void aRestoreOfLatestFetchesAboutTheDatabaseAfterLongConstantWrites() throws Exception {
    Path db = dir.resolve("hot.db");
    Path replica = dir.resolve("replica");
    Random rnd = new Random(1);
    try (Connection app = Dbs.create(db)) {
      Dbs.insert(app, 1, 2000, 1000); // ~2.2 MB of rows, rewritten below about 5 times over
      // small WAL indexes, as a large database's are small against it
      try (Replicator r = Replicator.of(db).to(new FileReplica(replica)).syncInterval(Duration.ofMillis(20))
          .minCheckpointPages(50).maxCheckpointPages(200).snapshotWalRatio(0.5).start()) {
        for (int round = 0; round < 400; round++) {
          rewrite(app, rnd, 30, 2000);
          // constant writes at a pace the replicator keeps up with (a writer faster than its passes makes WAL
          // indexes, and so what a restore reads before a snapshot, as long as the burst): background passes,
          // where snapshots are decided, run between rounds
          Thread.sleep(10);
        }
        r.sync();
      }
      long size = Files.size(db);
      Restore restore = Restore.from(new FileReplica(replica));
      assertThat(snapshots(restore.list())).as("snapshots taken as the WAL passed the database's size")
          .isGreaterThan(3);
      Path out = dir.resolve("out.db");
      RestoreResult res = Restore.from(new FileReplica(replica)).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
      // incompressible rows: the snapshot, the WAL of its index before it (at most the bound), and up to 1.5
      // times the bound after it (PerfProbe measures a 20 MB database: within 3x); 12 MB of WAL were written
      assertThat(res.downloadedBytes()).as("bytes a restore of latest fetches, database %d bytes", size)
          .isLessThanOrEqualTo(3 * size);
    }
  }

  @Test
  void aCountOfSegmentsAlsoTriggersASnapshot() throws Exception {
    Path db = dir.resolve("count.db");
    Path replica = dir.resolve("replica2");
    Random rnd = new Random(2);
    try (Connection app = Dbs.create(db)) {
      Dbs.insert(app, 1, 200, 1000);
      try (Replicator r = Replicator.of(db).to(new FileReplica(replica)).syncInterval(Duration.ofMillis(20))
          .minCheckpointPages(2).maxCheckpointPages(10).snapshotWalRatio(1000).snapshotWalObjects(5).start()) {
        for (int i = 0; i < 40; i++) {
          rewrite(app, rnd, 1, 200);
          r.sync(); // one segment each
          Thread.sleep(25);
        }
        Await.until(Duration.ofSeconds(10), "a snapshot after 5 segments", () -> {
          try {
            return snapshots(Restore.from(new FileReplica(replica)).list()) >= 2;
          } catch (RuntimeException e) {
            return false;
          }
        });
      }
      Path out = dir.resolve("out2.db");
      RestoreResult res = Restore.from(new FileReplica(replica)).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
      assertThat(res.objects()).as("objects a restore of latest reads").isLessThanOrEqualTo(1 + 2 * 5);
    }
  }

  @Test
  void theBoundsAreCheckedWhenSet() {
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).snapshotWalRatio(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotWalRatio must be a positive finite number (such as 0.5 or 4), was 0.0");
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).snapshotWalRatio(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite number (such as 0.5 or 4), was Infinity");
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).snapshotWalObjects(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotWalObjects must be positive, was -1");
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).snapshotWalObjects(3).snapshotWalObjects(4))
        .hasMessageContaining("snapshotWalObjects");
  }
}
