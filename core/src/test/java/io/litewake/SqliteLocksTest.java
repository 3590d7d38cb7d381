package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.ChildJvm;
import io.litewake.testing.Dbs;
import io.litewake.testing.LockProbe;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POSIX locks are per process: if the replicator ever closed a descriptor on the database or its
 * -shm file, the application's locks would vanish and a second process could write, or switch
 * the database out of WAL mode under the application's feet. A second JVM probes that.
 */
class SqliteLocksTest {
  @TempDir Path dir;

  private void assertLockedOut(Path db, String when) throws Exception {
    List<String> out = ChildJvm.run(LockProbe.class, db.toString(), "journal");
    assertThat(out).as("second process " + when).contains("write=BUSY");
    assertThat(out).as("second process " + when).noneMatch(l -> l.equals("journal=delete"));
  }

  @Test
  void secondProcessStaysLockedOutWhileTheAppHoldsAWriteTransaction() throws Exception {
    Path db = dir.resolve("locks.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    try (Connection app = Dbs.create(db)) {
      Dbs.insert(app, 1, 500, 200);
      app.setAutoCommit(false);
      Dbs.exec(app, "INSERT INTO t (writer, seq) VALUES (42, 42)"); // write transaction now open
      assertLockedOut(db, "before the replicator starts");

      Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(100)).start();
      assertLockedOut(db, "after start and the first snapshot");

      CompletableFuture<Void> sync = CompletableFuture.runAsync(r::sync);
      sync.get(30, TimeUnit.SECONDS); // returns although the app's transaction is still open
      assertThat(app.getAutoCommit()).isFalse();
      assertLockedOut(db, "after sync()");

      r.close();
      assertLockedOut(db, "after close()");

      app.commit();
      app.setAutoCommit(true);
    }
    List<String> control = ChildJvm.run(LockProbe.class, db.toString());
    assertThat(control).as("control: with no lock held the probe can write").contains("write=OK");

    Path out = dir.resolve("restored.db");
    Restore.from(dir.resolve("replica").toUri()).to(out).run();
    assertThat(Dbs.scalar(out, "SELECT count(*) FROM t WHERE writer = 42"))
        .as("the transaction open during sync() was not shipped").isZero();
    assertThat(Dbs.scalar(out, "SELECT count(*) FROM t")).isEqualTo(500);
  }
}
