package io.litewake.spring.boot.autoconfigure;

import io.litewake.Replicator;
import io.litewake.Restore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.time.Duration;

/** Real databases and replicas for the starter's tests. */
final class Fixtures {
  private Fixtures() {}

  /** A replica holding a database with {@code orders} rows in table orders (no Flyway). */
  static URI seedReplica(Path dir, int orders) throws Exception {
    Path replica = Files.createDirectories(dir.resolve("replica"));
    Path db = Files.createDirectories(dir.resolve("seed")).resolve("seed.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER NOT NULL)");
      try (Replicator r = Replicator.of(db).to(replica.toUri()).start()) {
        for (int i = 1; i <= orders; i++) {
          s.executeUpdate("INSERT INTO orders(item, quantity) VALUES ('seed-" + i + "', " + i + ")");
        }
        r.sync();
      }
    }
    return replica.toUri();
  }

  /** Restores {@code replica} into a new temporary file and counts its orders. */
  static long restoredCount(URI replica, Path dir, String sql) throws Exception {
    Path out = Files.createTempDirectory(dir, "check").resolve("check.db");
    Restore.from(replica).to(out).run();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void deleteTree(Path d) throws Exception {
    if (!Files.exists(d)) {
      return;
    }
    try (var walk = Files.walk(d)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  static void insert(Connection c, String item) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO orders(item, quantity) VALUES ('" + item + "', 1)");
    }
  }
}
