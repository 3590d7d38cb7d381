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
}
