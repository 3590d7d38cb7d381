package com.example.orders;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The downstream application's own code: orders in a SQLite database (WAL mode). */
public final class OrderStore implements AutoCloseable {
  private final Connection connection;

  /**
   * Opens (or creates) the store.
   *
   * @param db the database file
   * @throws SQLException if it cannot be opened
   */
  public OrderStore(Path db) throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, cents INT NOT NULL)");
    }
  }

  /**
   * Records an order.
   *
   * @param customer who
   * @param cents how much
   * @throws SQLException on failure
   */
  public void place(String customer, int cents) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO orders (customer, cents) VALUES (?, ?)")) {
      p.setString(1, customer);
      p.setInt(2, cents);
      p.executeUpdate();
    }
  }

  /**
   * Every order as {@code id:customer:cents}, by id.
   *
   * @param db the database file to read
   * @return the rows
   * @throws SQLException on failure
   */
  public static List<String> rows(Path db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, customer, cents FROM orders ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getInt(3));
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
