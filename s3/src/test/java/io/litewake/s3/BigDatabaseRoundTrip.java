package io.litewake.s3;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * Child-JVM program for {@link BigDatabaseTest}: builds a SQLite database over 500 MB,
 * replicates it (a multipart snapshot), restores it and compares, printing one {@code RESULT}
 * line. Run with {@code -Xmx128m} to prove memory stays bounded.
 */
public final class BigDatabaseRoundTrip {
  private BigDatabaseRoundTrip() {}

  /**
   * Runs the round trip.
   *
   * @param args replica URI, work directory, size in MB
   * @throws Exception on any failure (exit code 1)
   */
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    Path dir = Path.of(args[1]);
    int mb = Integer.parseInt(args[2]);
    Path db = dir.resolve("big.db");
    long rows = mb * 1000L;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=OFF");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      c.setAutoCommit(false);
      SplittableRandom rnd = new SplittableRandom(5);
      byte[] v = new byte[1000];
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        for (long i = 0; i < rows; i++) {
          for (int j = 0; j < v.length; j += 8) {
            long x = rnd.nextLong();
            for (int k = 0; k < 8; k++) {
              v[j + k] = (byte) (x >>> (8 * k));
            }
          }
          ps.setBytes(1, v);
          ps.executeUpdate();
          if (i % 50_000 == 0) {
            c.commit();
          }
        }
      }
      c.commit();
      c.setAutoCommit(true);
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    long size = Files.size(db);
    long t0 = System.nanoTime();
    try (Replicator r = Replicator.of(db).to(uri).start()) {
      r.sync();
    }
    long t1 = System.nanoTime();
    Path out = dir.resolve("restored.db");
    RestoreResult res = Restore.from(uri).to(out).integrityCheck(false).run();
    long t2 = System.nanoTime();
    String a = sum(db);
    String b = sum(out);
    if (!a.equals(b)) {
      throw new AssertionError("restored database differs: " + a + " vs " + b);
    }
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.out.printf("RESULT db_mb=%d replicate_s=%.1f restore_s=%.1f objects=%d peak_heap_mb=%d max_heap_mb=%d%n",
        size / 1_000_000, (t1 - t0) / 1e9, (t2 - t1) / 1e9, res.objects(), peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static String sum(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(length(v)), sum(unicode(substr(v, 500, 1))), max(id) FROM t")) {
      rs.next();
      return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4);
    }
  }
}
