package io.litewake.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Databases for the tests: creating, writing, and a row-by-row dump to compare. */
final class Dbs {
  private Dbs() {}

  static Connection create(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA busy_timeout=30000");
      s.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, burst INT, payload BLOB)");
    }
    return c;
  }

  /** Inserts {@code n} rows in {@code n / 10} transactions. */
  static void burst(Connection c, int burst, int n) throws SQLException {
    c.setAutoCommit(false);
    try (var ps = c.prepareStatement("INSERT INTO t (burst, payload) VALUES (?, randomblob(200))")) {
      for (int i = 0; i < n; i++) {
        ps.setInt(1, burst);
        ps.executeUpdate();
        if (i % 10 == 9) {
          c.commit();
        }
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Every table's rows, in rowid order, as text. */
  static List<String> dump(Path db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY rowid")) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            StringBuilder sb = new StringBuilder(t).append(':');
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              sb.append(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
            }
            out.add(sb.toString());
          }
        }
      }
    }
    return out;
  }
}
