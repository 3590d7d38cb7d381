package io.litewake.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.ReplicationListener;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.testing.Await;
import io.litewake.testing.ClockedReplica;
import io.litewake.testing.Dbs;
import io.litewake.testing.SettableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With restore points kept beyond retention (old snapshots left, the WAL between them removed),
 * {@code litestream restore} of the latest state still works on the Litewake LZ4 replica, and so
 * does Litewake's restore of a kept point. Ten simulated days on a directory replica whose object
 * timestamps follow an injected clock.
 */
class KeptSnapshotsInteropTest extends InteropBase {
  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new FileTarget(dir.resolve("replica-" + name));
  }

  @Test
  void litestreamRestoresTheLatestStateOfAReplicaWithKeptPoints() throws Exception {
    FileTarget target = (FileTarget) newTarget(dir, "kept");
    SettableClock clock = new SettableClock(Instant.parse("2026-02-02T08:00:00Z"));
    ClockedReplica replica = new ClockedReplica(target.dir(), clock);
    Path db = dir.resolve("app.db");
    seed(db);
    List<String> snapshots = new CopyOnWriteArrayList<>();
    ReplicationListener l = new ReplicationListener() {
      @Override
      public void uploaded(String where, String key, long bytes, boolean snapshot) {
        if (snapshot) {
          snapshots.add(key);
        }
      }
    };
    List<Instant> times = new ArrayList<>();
    List<List<String>> states = new ArrayList<>();
    try (Connection app = Dbs.open(db);
        Replicator r = Replicator.of(db).to(replica).clock(clock).listener(l).compression(Compression.LZ4)
            .syncInterval(Duration.ofMillis(50)).snapshotInterval(Duration.ofHours(8)).retention(Duration.ofDays(1))
            .keepDailySnapshots(4).start()) {
      Await.until(Duration.ofSeconds(10), "the first snapshot", () -> snapshots.size() == 1);
      for (int step = 1; step <= 30; step++) {
        clock.advance(Duration.ofHours(8));
        write(app, step, 20);
        int want = step + 1;
        Await.until(Duration.ofSeconds(20), "snapshot " + step, () -> snapshots.size() >= want);
        r.sync();
        times.add(clock.instant());
        states.add(Dbs.dump(app));
      }
      Thread.sleep(300); // the last retention pass
    }
    List<String> end = Dbs.dump(db);
    Generation g = Restore.from(replica).list().latest().orElseThrow();
    assertThat(g.snapshots().size()).as("snapshots left: %s", describe(g)).isBetween(5, 8);

    Path latest = dir.resolve("litestream-latest.db");
    litestream.restoreUrl(target.litestreamUrl(), latest);
    assertThat(Dbs.integrity(latest)).isEqualTo("ok");
    assertThat(Dbs.dump(latest)).isEqualTo(end);

    // the newest point of the oldest kept day: steps every 8 h from Feb 2, 08:00 UTC; the kept days
    // are Feb 12, 11, 10 and 9, whose newest snapshot is step 22 (Feb 9, 16:00), times[21]
    int oldDay = 21;
    Path kept = dir.resolve("litewake-kept.db");
    RestoreResult r = Restore.from(replica).to(kept).at(times.get(oldDay).plus(Duration.ofHours(3))).run();
    assertThat(r.pointInTime()).contains(times.get(oldDay));
    assertThat(Dbs.dump(kept)).isEqualTo(states.get(oldDay));
  }
}
