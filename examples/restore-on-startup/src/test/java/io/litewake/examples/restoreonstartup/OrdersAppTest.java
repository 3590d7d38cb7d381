package io.litewake.examples.restoreonstartup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litewake.RestoreResult.SkipReason;
import io.litewake.testkit.ReplicaTesting;
import io.litewake.testkit.S3Extension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The service loses its disk between boots and comes back with every order. */
class OrdersAppTest {

  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  @Test
  void aNewContainerRestoresEveryOrderOnBoot() throws Exception {
    URI replica = s3.uri("orders");
    Path db = dir.resolve("data/orders.db");
    try (OrdersApp first = OrdersApp.boot(db, replica)) { // first boot ever: empty replica
      assertFalse(first.restored().restored(), "nothing to restore on the first boot");
      assertEquals(Optional.of(SkipReason.REPLICA_EMPTY), first.restored().skipped());
      for (int i = 0; i < 50; i++) {
        first.addOrder("widget", i);
      }
      first.sync();
    }
    deleteDirectory(db.getParent()); // the container is gone, and its disk with it

    try (OrdersApp second = OrdersApp.boot(db, replica)) {
      assertTrue(second.restored().restored(), "restored from the replica");
      assertTrue(second.restored().pointInTime().isPresent(), "the point in time restored");
      assertEquals(50, second.orderCount());
      second.addOrder("gadget", 1);
      second.sync();
      ReplicaTesting.assertReplicaMatches(replica, db);
    }

    try (OrdersApp third = OrdersApp.boot(db, replica)) { // the disk survived: keep it
      assertFalse(third.restored().restored(), "an existing database is kept");
      assertEquals(Optional.of(SkipReason.DATABASE_EXISTS), third.restored().skipped());
      assertEquals(51, third.orderCount());
    }
  }

  private static void deleteDirectory(Path d) throws Exception {
    try (var walk = Files.walk(d)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
