package io.litewake.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A small WAL-mode database for the tests: an orders table written one transaction per row. */
final class Db implements AutoCloseable {
  final Path file;
  final Connection conn;
  private int next = 1;

  Db(Path file) throws SQLException {
    this.file = file;
    this.conn = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = conn.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT, amount INT)");
    }
  }

  Db insert(int rows) throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("INSERT INTO orders (customer, amount) VALUES (?, ?)")) {
      for (int i = 0; i < rows; i++) {
        p.setString(1, "customer-" + (next % 13));
        p.setInt(2, next * 7);
        p.executeUpdate();
        next++;
      }
    }
    return this;
  }

  void exec(String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  static long count(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
