package io.litewake.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Compression;
import io.litewake.ReplicaContents;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.spi.Replica;
import io.litewake.testsupport.Litestream;
import io.litewake.testing.Dbs;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A prefix that already holds Litestream generations, then replicated to by Litewake: what the
 * migration from the Litestream sidecar does to the bucket. Needs a store whose delimiter
 * listings are right (Litestream lists generations with {@code delimiter=/}): s3mock 0.2.6
 * returns only the first common prefix, so the S3 variant runs on S3Proxy.
 */
abstract class SharedPrefixScenarios extends InteropBase {
  /**
   * Migration: Litestream replicated to the prefix, the sidecar is stopped and Litewake starts on
   * the same database and prefix. Litewake starts its own generation beside Litestream's and
   * changes nothing of it: {@code litestream restore -generation} still restores Litestream's
   * state; restores without a generation (either tool) take the newest, Litewake's.
   */
  @Test
  void litewakeStartsBesideLitestreamGenerations() throws Exception {
    ReplicaTarget target = newTarget(dir, "shared");
    Replica rep = replica(target);
    Path db = dir.resolve("app.db");
    seed(db);
    Path cfg = litestream.config(db, target.litestreamReplicaYaml() + "\n  sync-interval: 100ms",
        "monitor-interval: 100ms", "min-checkpoint-page-count: 16");
    List<String> litestreamState;
    try (Connection app = Dbs.open(db); Litestream.Replicating ls = litestream.replicate(cfg)) {
      for (int i = 0; i < 8; i++) {
        write(app, 1, 40);
      }
      awaitRestorable(rep, userTables(Dbs.dump(app)), ls);
      ls.stop();
      litestreamState = Dbs.dump(app);
    }
    ReplicaContents before = Restore.from(rep).list();
    assertThat(before.generations()).hasSize(1);
    String litestreamGen = before.generations().get(0).id();
    Map<String, String> objectsBefore = objects(before);

    List<String> end;
    try (Replicator r = Replicator.of(db).to(target.litewakeUri()).compression(Compression.LZ4)
        .syncInterval(Duration.ofMillis(100)).minCheckpointPages(8).maxCheckpointPages(24).start()) {
      assertThat(r.status().position().generation()).isNotEqualTo(litestreamGen);
      busy(db, 2, Duration.ofMillis(1000));
      r.sync();
      Thread.sleep(300); // let the retention pass that follows the first snapshot run
      busy(db, 1, Duration.ofMillis(300));
    }
    end = Dbs.dump(db);

    ReplicaContents after = Restore.from(rep).list();
    assertThat(after.generations()).hasSize(2);
    Map<String, String> litestreamObjectsAfter = objects(new ReplicaContents(after.location(),
        List.of(after.generation(litestreamGen).orElseThrow()), List.of()));
    assertThat(litestreamObjectsAfter).as("Litestream's objects, key -> size@timestamp").isEqualTo(objectsBefore);

    Path lsOld = dir.resolve("litestream-old-generation.db");
    litestream.restore(cfg, db, lsOld, "-generation", litestreamGen);
    assertThat(Dbs.dump(lsOld)).isEqualTo(litestreamState);
    Path lwOld = dir.resolve("litewake-old-generation.db");
    Restore.from(rep).to(lwOld).generation(litestreamGen).run();
    assertThat(Dbs.dump(lwOld)).isEqualTo(litestreamState);

    Path lsNewest = dir.resolve("litestream-newest.db");
    litestream.restore(cfg, db, lsNewest);
    assertThat(Dbs.dump(lsNewest)).isEqualTo(end);
    Path lwNewest = dir.resolve("litewake-newest.db");
    RestoreResult r = Restore.from(target.litewakeUri()).to(lwNewest).run();
    assertThat(r.generation()).hasValueSatisfying(g -> assertThat(g).isNotEqualTo(litestreamGen));
    assertThat(Dbs.dump(lwNewest)).isEqualTo(end);
  }
}
