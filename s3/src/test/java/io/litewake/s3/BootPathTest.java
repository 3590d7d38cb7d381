package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.s3.internal.S3Clients;
import io.litewake.testsupport.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot path: a restore on boot with the database present builds no client and sends nothing;
 * a restore and the replicator that starts after it share one client.
 */
class BootPathTest {
  @TempDir Path dir;

  @Test
  void ifDatabaseMissingWithTheDatabasePresentReturnsAtOnceWithoutAClient() throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
    }
    // an endpoint nobody answers at (TEST-NET-1, never routed): building a client and asking it would take seconds
    URI unreachable = URI.create("s3://bucket/apps/orders?endpoint=http://192.0.2.1:9000&region=us-east-1"
        + "&access-key=AKIDEXAMPLE&secret-access-key=secret");
    int built = S3Clients.built();
    long t0 = System.nanoTime();
    RestoreResult r = Restore.from(unreachable).to(db).ifDatabaseMissing().ifReplicaExists().run();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.skipped()).contains(RestoreResult.SkipReason.DATABASE_EXISTS);
    assertThat(S3Clients.built()).as("no S3 client built").isEqualTo(built);
    assertThat(ms).as("returned in milliseconds").isLessThan(200);
  }

  @Test
  void aRestoreOnBootAndTheReplicatorAfterItShareOneClient() throws Exception {
    URI uri = S3Servers.S3PROXY.newReplicaUri();
    Path source = dir.resolve("source.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (x)");
      // written through a client of its own (another retry setting: not shared with what follows)
      try (S3Replica writer = S3Replica.fromUri(uri).maxAttempts(4).build();
          Replicator r = Replicator.of(source).to(writer).start()) {
        s.execute("INSERT INTO t VALUES (1)");
        r.sync();
      }
    }
    Path db = dir.resolve("restored.db");
    int built = S3Clients.built();
    assertThat(Restore.from(uri).to(db).ifDatabaseMissing().run().restored()).isTrue();
    try (Replicator r = Replicator.of(db).to(uri).start()) {
      r.sync();
    }
    assertThat(S3Clients.built()).as("clients built for the restore and the replicator").isEqualTo(built + 1);
  }
}
