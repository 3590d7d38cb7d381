package io.litewake.examples.quickstart;

import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.testkit.EmbeddedS3;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * Creates a database, replicates it while writing, deletes it, restores it from the replica and
 * prints what happened. Runs on an in-process S3-compatible server from litewake-testkit
 * ({@link EmbeddedS3}), so no account and no server are needed; with a real bucket, use {@code
 * URI.create("s3://my-bucket/apps/orders")} instead of {@code s3.uri("orders")}.
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedS3 s3 = EmbeddedS3.start()) {
      run(s3);
    }
  }

  private static void run(EmbeddedS3 s3) throws Exception {
    Path work = Files.createTempDirectory("litewake-quickstart");
    Path db = work.resolve("orders.db");
    URI replica = s3.uri("orders"); // s3://litewake-test/orders?endpoint=http://127.0.0.1:PORT&...
    System.out.println("Litewake quickstart");
    System.out.println("  database: " + db);
    System.out.println("  replica:  s3://" + s3.bucket() + "/orders on the in-process S3 at " + s3.endpoint());

    long orders;
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = app.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount_cents INT)");
      }
      try (Replicator replicator = Replicator.of(db).to(replica).syncInterval(Duration.ofMillis(200)).start();
          PreparedStatement insert = app.prepareStatement("INSERT INTO orders (customer, amount_cents) VALUES (?, ?)")) {
        for (int i = 0; i < 2_000; i++) {
          insert.setString(1, "customer-" + (i % 97));
          insert.setInt(2, 100 + (i * 7919) % 50_000);
          insert.executeUpdate(); // one transaction per order
        }
        replicator.sync(); // every order above is now in the replica
        orders = count(app);
        System.out.printf("wrote %d orders while replicating; replica position %s%n", orders, replicator.status().position());
      }
    }
    ReplicaContents contents = Restore.from(replica).list();
    Generation g = contents.latest().orElseThrow();
    System.out.printf("replica holds %d generation(s); latest %s: %d snapshot(s), %d WAL segment(s), %s .. %s%n",
        contents.generations().size(), g.id(), g.snapshots().size(), g.walSegments().size(), g.createdAt(), g.updatedAt());
    System.out.printf("%d objects in the bucket, %d requests to S3%n", s3.keys("orders").size(), s3.requests().size());

    Files.delete(db);
    Files.deleteIfExists(Path.of(db + "-wal"));
    Files.deleteIfExists(Path.of(db + "-shm"));
    System.out.println("deleted " + db);

    RestoreResult result = Restore.from(replica).to(db).ifDatabaseMissing().ifReplicaExists().run();
    System.out.println("restored: " + result);
    result.pointInTime().ifPresent(t -> System.out.println("point in time restored: " + t));
    try (Connection restored = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      long back = count(restored);
      System.out.printf("restored database has %d orders (%s)%n", back, back == orders ? "all of them" : "MISMATCH");
      if (back != orders) {
        throw new IllegalStateException("restored " + back + " orders, expected " + orders);
      }
    }
  }

  private static long count(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
