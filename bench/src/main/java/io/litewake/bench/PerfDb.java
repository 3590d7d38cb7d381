package io.litewake.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Database helpers of the performance probes ({@link PerfProbe}, {@link PerfChild}). */
final class PerfDb {
  private PerfDb() {}

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

  /** Fails unless the restored database has the CRC {@code expect} ({@link #count}). */
  static void check(Path restored, long expect) throws Exception {
    long got = count(restored);
    if (got != expect) {
      throw new IllegalStateException("restored " + restored + " has checksum " + got + ", expected " + expect);
    }
  }
}
