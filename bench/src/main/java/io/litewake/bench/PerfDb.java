package io.litewake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** Database helpers of the performance probes ({@link PerfProbe}, {@link PerfChild}). */
final class PerfDb {
  private PerfDb() {}

  /** Creates {@code dir/app.db} in WAL mode with the benchmark's table. */
  static Path createDb(Path dir) throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB)");
    }
    return db;
  }

  /** A connection with {@code synchronous=NORMAL} and a busy timeout. */
  static Connection open(Path db) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  /** A checksum of the table: a CRC-32 over every row in id order. */
  static long count(Path db) throws Exception {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, k, v FROM t ORDER BY id")) {
      while (rs.next()) {
        crc.update(Long.toString(rs.getLong(1)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(rs.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        crc.update(rs.getBytes(3));
      }
    }
    return crc.getValue();
  }

  static void check(Path restored, long expect) throws Exception {
    long got = count(restored);
    if (got != expect) {
      throw new IllegalStateException("restored " + restored + " has checksum " + got + ", expected " + expect);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
