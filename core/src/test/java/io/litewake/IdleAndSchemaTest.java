package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.internal.FileReplica;
import io.litewake.testing.CountingReplica;
import io.litewake.testing.Dbs;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle means idle, and the user's database gets no objects of ours. */
class IdleAndSchemaTest {
  @TempDir Path dir;

  @Test
  void noReplicaRequestsWhileNothingIsWrittenAndNoSchemaChanges() throws Exception {
    Path db = dir.resolve("idle.db");
    CountingReplica replica = new CountingReplica(new FileReplica(dir.resolve("replica")));
    try (Connection app = Dbs.create(db)) {
      Dbs.insert(app, 1, 100, 100);
      List<String> schema = Dbs.dump(app).stream().filter(l -> l.startsWith("schema")).toList();
      try (Replicator r = Replicator.of(db).to(replica).syncInterval(Duration.ofMillis(50)).start()) {
        Dbs.insert(app, 2, 100, 100);
        r.sync();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (replica.lists.get() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20); // the first retention pass lists once
        }
        assertThat(replica.lists.get()).isPositive();
        Thread.sleep(200);
        int before = replica.calls.get();
        Thread.sleep(1500); // 30 sync intervals
        assertThat(replica.calls.get()).as("replica calls while idle").isEqualTo(before);

        Dbs.insert(app, 3, 1, 10);
        r.sync();
        assertThat(replica.puts.get()).as("a write is shipped").isGreaterThan(0);
        assertThat(replica.calls.get()).isGreaterThan(before);
      }
      assertThat(Dbs.dump(app).stream().filter(l -> l.startsWith("schema")).toList()).isEqualTo(schema);
      assertThat(Dbs.scalar(app, "SELECT count(*) FROM sqlite_schema")).isEqualTo(1);
    }
  }

  @Test
  void aFastWriterIsShippedBeforeTheSyncIntervalOnceTheWalGrowsPastHalfMaxCheckpointPages() throws Exception {
    Path db = dir.resolve("fast.db");
    CountingReplica replica = new CountingReplica(new FileReplica(dir.resolve("fast-replica")));
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(replica).syncInterval(Duration.ofHours(1))
            .minCheckpointPages(50).maxCheckpointPages(200).start()) {
      r.sync(); // the initial snapshot is in the replica
      Thread.sleep(300);
      long walBefore = java.nio.file.Files.size(Path.of(db + "-wal"));
      int putsBefore = replica.puts.get();
      // small writes: no early pass, the interval (an hour) is far away
      Dbs.insert(app, 1, 5, 100);
      Thread.sleep(500);
      assertThat(replica.puts.get()).as("puts after a small write").isEqualTo(putsBefore);
      // well over 100 frames (half of maxCheckpointPages): shipped within a few polls
      for (int i = 0; i < 40; i++) {
        Dbs.insert(app, 2 + i, 10, 1000);
      }
      assertThat(java.nio.file.Files.size(Path.of(db + "-wal")) - walBefore).isGreaterThan(100L * 4096);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (replica.puts.get() == putsBefore && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(replica.puts.get()).as("puts without sync() long before the sync interval").isGreaterThan(putsBefore);
    }
  }
}
