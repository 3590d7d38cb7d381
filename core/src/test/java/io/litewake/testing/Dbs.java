package io.litewake.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Real sqlite-jdbc databases for tests. */
public final class Dbs {
  private Dbs() {}

  /** Opens a connection (creating the file) with a busy timeout. */
  public static Connection open(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=30000");
    }
    return c;
  }

  /** Creates a WAL-mode database with table {@code t(id, writer, seq, payload)}. */
  public static Connection create(Path db) throws SQLException {
    Connection c = open(db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, writer INT, seq INT, payload BLOB)");
    }
    return c;
  }

  /** Executes statements. */
  public static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** Inserts {@code n} rows of {@code bytes}-byte random payload in one transaction. */
  public static void insert(Connection c, int writer, int n, int bytes) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (var ps = c.prepareStatement("INSERT INTO t (writer, seq, payload) VALUES (?, ?, randomblob(?))")) {
      for (int i = 0; i < n; i++) {
        ps.setInt(1, writer);
        ps.setInt(2, i);
        ps.setInt(3, bytes);
        ps.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** A single long value. */
  public static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A single long value from a database file. */
  public static long scalar(Path db, String sql) throws SQLException {
    try (Connection c = open(db)) {
      return scalar(c, sql);
    }
  }

  /** Every row of every table and the schema, in a stable order, as text. */
  public static List<String> dump(Path db) throws SQLException {
    try (Connection c = open(db)) {
      return dump(c);
    }
  }

  /** Every row of every table and the schema, in a stable order, as text. */
  public static List<String> dump(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")) {
      while (rs.next()) {
        out.add("schema " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
        if ("table".equals(rs.getString(1)) && !rs.getString(2).startsWith("sqlite_")) {
          tables.add(rs.getString(2));
        }
      }
    }
    for (String t : tables) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY rowid")) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder(t).append(':');
          for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            sb.append(v instanceof byte[] b ? Integer.toHexString(Arrays.hashCode(b)) + "/" + b.length : String.valueOf(v)).append('|');
          }
          out.add(sb.toString());
        }
      }
    }
    return out;
  }

  /** The result of PRAGMA integrity_check. */
  public static String integrity(Path db) throws SQLException {
    try (Connection c = open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      StringBuilder sb = new StringBuilder();
      while (rs.next()) {
        sb.append(rs.getString(1));
      }
      return sb.toString();
    }
  }
}
