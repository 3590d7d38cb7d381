package io.litewake.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs in a second JVM (a second OS process): tries to take the write lock of a database and,
 * if asked, to switch it out of WAL mode. Prints {@code write=OK|BUSY} and {@code journal=...}.
 */
public final class LockProbe {
  private LockProbe() {}

  public static void main(String[] args) throws SQLException {
    boolean tryJournal = args.length > 1 && args[1].equals("journal");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=0");
      try {
        s.execute("BEGIN IMMEDIATE");
        System.out.println("write=OK");
        s.execute("ROLLBACK");
      } catch (SQLException e) {
        System.out.println("write=BUSY");
      }
      if (tryJournal) {
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=DELETE")) {
          rs.next();
          System.out.println("journal=" + rs.getString(1));
        } catch (SQLException e) {
          System.out.println("journal=BUSY");
        }
      }
    }
  }
}
