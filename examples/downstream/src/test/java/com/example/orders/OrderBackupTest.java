package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.testkit.Policy;
import io.litewake.testkit.ReplicaTesting;
import io.litewake.testkit.S3Extension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A downstream team proving, in a plain mvn test, that its backups restore what it wrote. */
class OrderBackupTest {

  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  @Test
  void replicatesToS3AndRestoresEveryOrder() throws Exception {
    Path db = dir.resolve("orders.db");
    URI replica = s3.uri("orders");
    try (OrderStore store = new OrderStore(db);
        Replicator replicator = Replicator.of(db).to(replica).start()) {
      for (int i = 1; i <= 100; i++) {
        store.place("customer-" + (i % 7), i * 100);
      }
      replicator.sync(); // every order above is in S3 now
    }

    Path restored = dir.resolve("restored.db");
    Restore.from(replica).to(restored).run();

    List<String> rows = OrderStore.rows(restored);
    assertEquals(100, rows.size());
    assertEquals("1:customer-1:100", rows.get(0));
    assertEquals("100:customer-2:10000", rows.get(99));
    assertEquals(OrderStore.rows(db), rows);
  }

  @Test
  void survivesThrottlingAndAShortOutageUnderTheMinimalPolicy() throws Exception {
    Path db = dir.resolve("orders.db");
    URI replica = s3.uri("orders-under-stress");
    s3.policy(Policy.replicate("orders-under-stress"));
    try (OrderStore store = new OrderStore(db);
        Replicator replicator = Replicator.of(db).to(replica).start()) {
      store.place("first", 1);
      replicator.sync();
      s3.faults().slowDown(2).internalError(1);
      s3.faults().outage(Duration.ofMillis(800));
      for (int i = 0; i < 20; i++) {
        store.place("during-outage", i);
      }
      replicator.sync(Duration.ofSeconds(30));
    }
    assertTrue(s3.faults().injected() >= 3, "faults reached the replicator");
    assertTrue(s3.requests().stream().noneMatch(r -> r.denied()), "the minimal policy suffices");
    ReplicaTesting.assertReplicaMatches(replica, db);
  }
}
