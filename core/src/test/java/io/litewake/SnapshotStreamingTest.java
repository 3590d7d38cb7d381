package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.internal.FileReplica;
import io.litewake.testing.CountingReplica;
import io.litewake.testing.Dbs;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot is restored from one streaming read; a broken stream falls back to a download. */
class SnapshotStreamingTest {
  @TempDir Path dir;

  private List<String> replicate(Path db, CountingReplica replica) throws Exception {
    try (Connection app = Dbs.create(db)) {
      for (int i = 0; i < 20; i++) {
        Dbs.insert(app, i, 200, 1000);
      }
      Dbs.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)"); // the data is in the snapshot, the WAL segments are small
      try (Replicator r = Replicator.of(db).to(replica).start()) {
        Dbs.insert(app, 99, 10, 100);
        r.sync();
      }
      return Dbs.dump(app);
    }
  }

  @Test
  void theSnapshotIsStreamedNotDownloadedToAFile() throws Exception {
    CountingReplica replica = new CountingReplica(new FileReplica(dir.resolve("replica")));
    List<String> expected = replicate(dir.resolve("a.db"), replica);
    int downloadsBefore = replica.downloads.get();

    Path out = dir.resolve("out.db");
    Restore.from(replica).to(out).run();

    assertThat(Dbs.dump(out)).isEqualTo(expected);
    assertThat(replica.downloads.get()).as("downloads to a file").isEqualTo(downloadsBefore);
  }

  @Test
  void aStreamThatBreaksOffFallsBackToADownloadAndRestoresExactly() throws Exception {
    CountingReplica replica = new CountingReplica(new FileReplica(dir.resolve("replica")));
    List<String> expected = replicate(dir.resolve("b.db"), replica);
    replica.breakSnapshotStreamsAfter = 10_000;
    int downloadsBefore = replica.downloads.get();

    Path out = dir.resolve("out.db");
    RestoreResult result = Restore.from(replica).to(out).run();

    assertThat(Dbs.dump(out)).isEqualTo(expected);
    assertThat(Dbs.integrity(out)).isEqualTo("ok");
    assertThat(replica.downloads.get()).as("the snapshot downloaded to a file after the stream broke")
        .isEqualTo(downloadsBefore + 1);
    assertThat(result.restored()).isTrue();
  }
}
