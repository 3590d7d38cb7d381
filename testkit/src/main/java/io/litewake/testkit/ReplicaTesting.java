package io.litewake.testkit;

import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Restore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test helpers for replicas: restore one into a temporary file, compare databases row for row,
 * describe what a replica holds.
 *
 * <pre>{@code
 * replicator.sync();
 * ReplicaTesting.assertReplicaMatches(s3.uri("orders"), db);   // restore + compare every table
 *
 * Path restored = ReplicaTesting.restoreToTemp(s3.uri("orders"));
 * List<String> diff = ReplicaTesting.differences(db, restored); // empty when equal
 * System.out.println(ReplicaTesting.describe(s3.uri("orders")));
 * }</pre>
 *
 * <p>Comparisons read each database through SQLite (sqlite-jdbc) in one read transaction, so a
 * live database can be compared while the application keeps it open.
 */
public final class ReplicaTesting {
  private static final int MAX_REPORTED = 20;

  private ReplicaTesting() {}

  /**
   * Restores the latest state of a replica into a new temporary directory.
   *
   * @param replica the replica URI, such as {@code s3.uri("orders")}
   * @return the restored database file ({@code restored.db} in a new directory under {@code
   *     java.io.tmpdir})
   * @throws io.litewake.LitewakeException if the replica is empty or cannot be restored
   */
  public static Path restoreToTemp(URI replica) {
    return restoreToTemp(replica, null);
  }

  /**
   * Restores a replica as it was at a point in time into a new temporary directory.
   *
   * @param replica the replica URI
   * @param at the point in time, or null for the latest state
   * @return the restored database file
   * @throws io.litewake.LitewakeException if nothing can be restored
   */
  public static Path restoreToTemp(URI replica, Instant at) {
    Objects.requireNonNull(replica, "replica");
    Path db;
    try {
      db = Files.createTempDirectory("litewake-restored").resolve("restored.db");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Restore r = Restore.from(replica).to(db);
    if (at != null) {
      r.at(at);
    }
    r.run();
    return db;
  }

  /**
   * What a replica holds (generations, snapshots, WAL segments, time bounds), without restoring.
   *
   * @param replica the replica URI
   * @return the contents
   */
  public static ReplicaContents contents(URI replica) {
    return Restore.from(Objects.requireNonNull(replica, "replica")).list();
  }

  /**
   * A readable listing of a replica, one line per generation, for test output.
   *
   * @param replica the replica URI
   * @return such as {@code 1 generation(s); 0190a1b2c3d4e5f6: 1 snapshot(s), 12 WAL segment(s),
   *     2026-01-01T10:00:00Z .. 2026-01-01T10:00:05Z}
   */
  public static String describe(URI replica) {
    ReplicaContents c = contents(replica);
    StringBuilder sb = new StringBuilder();
    sb.append(c.generations().size()).append(" generation(s) in ").append(c.location());
    for (Generation g : c.generations()) {
      sb.append("\n  ").append(g.id()).append(": ").append(g.snapshots().size()).append(" snapshot(s), ")
          .append(g.walSegments().size()).append(" WAL segment(s), ").append(g.createdAt())
          .append(" .. ").append(g.updatedAt());
    }
    if (!c.ignoredKeys().isEmpty()) {
      sb.append("\n  ignored: ").append(c.ignoredKeys());
    }
    return sb.toString();
  }

  /**
   * Restores a replica into a temporary file and asserts it holds the same schema and rows as a
   * database — typically the live one, after {@code replicator.sync()}. The temporary file is
   * deleted afterwards.
   *
   * @param replica the replica URI
   * @param expected the database it should equal
   * @throws AssertionError naming the first differences (table, row key, expected and actual
   *     values)
   */
  public static void assertReplicaMatches(URI replica, Path expected) {
    Path restored = restoreToTemp(replica);
    try {
      assertSameData(expected, restored);
    } finally {
      deleteQuietly(restored);
    }
  }

  /**
   * Asserts two databases hold the same schema and the same rows in every table.
   *
   * @param expected the reference database
   * @param actual the database to check
   * @throws AssertionError listing the first differences
   */
  public static void assertSameData(Path expected, Path actual) {
    List<String> d = differences(expected, actual);
    if (!d.isEmpty()) {
      throw new AssertionError(message(expected.toString(), actual.toString(), d));
    }
  }

  /**
   * Asserts two open databases hold the same schema and rows.
   *
   * @param expected the reference database
   * @param actual the database to check
   * @throws AssertionError listing the first differences
   */
  public static void assertSameData(Connection expected, Connection actual) {
    List<String> d = differences(expected, actual);
    if (!d.isEmpty()) {
      throw new AssertionError(message("expected", "actual", d));
    }
  }

  /**
   * The differences between two database files: schema (tables, indexes, views, triggers) and
   * rows of every table, matched by rowid (or by all columns for {@code WITHOUT ROWID} tables).
   *
   * @param expected the reference database
   * @param actual the database to check
   * @return human-readable differences, at most 20 plus a count of the rest; empty when equal
   * @throws IllegalArgumentException if a file does not exist
   */
  public static List<String> differences(Path expected, Path actual) {
    requireFile(expected);
    requireFile(actual);
    try (Connection e = DriverManager.getConnection("jdbc:sqlite:" + expected.toAbsolutePath());
        Connection a = DriverManager.getConnection("jdbc:sqlite:" + actual.toAbsolutePath())) {
      return differences(e, a);
    } catch (SQLException ex) {
      throw new IllegalStateException("cannot compare " + expected + " with " + actual + ": " + ex.getMessage(), ex);
    }
  }

  /**
   * The differences between two open SQLite databases; each is read in one read transaction.
   *
   * @param expected the reference database
   * @param actual the database to check
   * @return human-readable differences, at most 20 plus a count of the rest; empty when equal
   */
  public static List<String> differences(Connection expected, Connection actual) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    List<String> out = new ArrayList<>();
    int[] more = {0};
    try {
      boolean eAuto = expected.getAutoCommit();
      boolean aAuto = actual.getAutoCommit();
      expected.setAutoCommit(false);
      actual.setAutoCommit(false);
      try {
        compare(expected, actual, out, more);
      } finally {
        expected.rollback();
        actual.rollback();
        expected.setAutoCommit(eAuto);
        actual.setAutoCommit(aAuto);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot compare databases: " + e.getMessage(), e);
    }
    if (more[0] > 0) {
      out.add("... and " + more[0] + " more difference(s)");
    }
    return out;
  }

  private static void compare(Connection e, Connection a, List<String> out, int[] more) throws SQLException {
    TreeMap<String, String> es = schema(e);
    TreeMap<String, String> as = schema(a);
    for (String k : new TreeSet<>(union(es.keySet(), as.keySet()))) {
      String ev = es.get(k);
      String av = as.get(k);
      if (av == null) {
        add(out, more, "schema: " + k + " is missing (expected: " + ev + ")");
      } else if (ev == null) {
        add(out, more, "schema: unexpected " + k + " (" + av + ")");
      } else if (!ev.equals(av)) {
        add(out, more, "schema: " + k + " differs: expected " + ev + " but was " + av);
      }
    }
    for (String k : es.keySet()) {
      if (!k.startsWith("table ") || !as.containsKey(k)) {
        continue;
      }
      String table = k.substring("table ".length());
      compareTable(e, a, table, out, more);
    }
  }

  private static void compareTable(Connection e, Connection a, String table, List<String> out, int[] more)
      throws SQLException {
    boolean rowid = hasRowid(e, table) && hasRowid(a, table);
    String q = quote(table);
    String sql;
    if (rowid) {
      sql = "SELECT rowid, * FROM " + q + " ORDER BY rowid";
    } else {
      int n = columnCount(e, table);
      StringBuilder order = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        order.append(i == 1 ? "" : ", ").append(i);
      }
      sql = "SELECT * FROM " + q + " ORDER BY " + order;
    }
    try (Statement se = e.createStatement(); Statement sa = a.createStatement();
        ResultSet re = se.executeQuery(sql); ResultSet ra = sa.executeQuery(sql)) {
      ResultSetMetaData md = re.getMetaData();
      int cols = md.getColumnCount();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= cols; i++) {
        names.add(md.getColumnLabel(i));
      }
      long expectedRows = 0;
      long actualRows = 0;
      boolean he = re.next();
      boolean ha = ra.next();
      while (he || ha) {
        Object[] rowE = he ? row(re, cols) : null;
        Object[] rowA = ha ? row(ra, cols) : null;
        int cmp;
        if (!he) {
          cmp = 1;
        } else if (!ha) {
          cmp = -1;
        } else if (rowid) {
          cmp = Long.compare(((Number) rowE[0]).longValue(), ((Number) rowA[0]).longValue());
        } else {
          cmp = Arrays.deepEquals(rowE, rowA) ? 0 : compareRows(rowE, rowA);
        }
        if (cmp == 0) {
          if (!Arrays.deepEquals(rowE, rowA)) {
            add(out, more, table + ": row " + key(rowid, rowE, names) + " differs: expected "
                + format(rowE, names, rowid) + " but was " + format(rowA, names, rowid));
          }
          expectedRows++;
          actualRows++;
          he = re.next();
          ha = ra.next();
        } else if (cmp < 0) {
          add(out, more, table + ": row " + key(rowid, rowE, names) + " is missing: expected "
              + format(rowE, names, rowid));
          expectedRows++;
          he = re.next();
        } else {
          add(out, more, table + ": unexpected row " + key(rowid, rowA, names) + ": "
              + format(rowA, names, rowid));
          actualRows++;
          ha = ra.next();
        }
      }
      if (expectedRows != actualRows) {
        add(out, more, table + ": expected " + expectedRows + " row(s) but was " + actualRows);
      }
    }
  }

  private static int compareRows(Object[] x, Object[] y) {
    for (int i = 0; i < x.length; i++) {
      int c = compareValues(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** SQLite's order: NULL, numbers, text, blobs. */
  private static int compareValues(Object x, Object y) {
    int tx = typeRank(x);
    int ty = typeRank(y);
    if (tx != ty) {
      return Integer.compare(tx, ty);
    }
    if (x == null) {
      return 0;
    }
    if (x instanceof Number nx && y instanceof Number ny) {
      if (nx instanceof Long && ny instanceof Long) {
        return Long.compare(nx.longValue(), ny.longValue());
      }
      return Double.compare(nx.doubleValue(), ny.doubleValue());
    }
    if (x instanceof String sx && y instanceof String sy) {
      return sx.compareTo(sy); // BINARY collation on valid UTF-8 sorts like UTF-16 for BMP text
    }
    return Arrays.compareUnsigned((byte[]) x, (byte[]) y);
  }

  private static int typeRank(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Number) {
      return 1;
    }
    if (v instanceof String) {
      return 2;
    }
    return 3;
  }

  private static Object[] row(ResultSet rs, int cols) throws SQLException {
    Object[] r = new Object[cols];
    for (int i = 1; i <= cols; i++) {
      Object v = rs.getObject(i);
      if (v instanceof Integer n) {
        v = n.longValue();
      }
      r[i - 1] = v;
    }
    return r;
  }

  private static String key(boolean rowid, Object[] row, List<String> names) {
    if (rowid) {
      return "rowid=" + row[0];
    }
    return format(row, names, false);
  }

  private static String format(Object[] row, List<String> names, boolean skipFirst) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = skipFirst ? 1 : 0; i < row.length; i++) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(names.get(i)).append('=').append(literal(row[i]));
    }
    return sb.append(')').toString();
  }

  private static String literal(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof String s) {
      String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
      return "'" + t.replace("'", "''") + "'";
    }
    if (v instanceof byte[] b) {
      StringBuilder sb = new StringBuilder("X'");
      for (int i = 0; i < Math.min(b.length, 32); i++) {
        sb.append(String.format("%02x", b[i]));
      }
      return sb.append(b.length > 32 ? "...' (" + b.length + " bytes)" : "'").toString();
    }
    return String.valueOf(v);
  }

  private static TreeMap<String, String> schema(Connection c) throws SQLException {
    TreeMap<String, String> m = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex_%'")) {
      while (rs.next()) {
        String sql = rs.getString(3);
        m.put(rs.getString(1) + " " + rs.getString(2), sql == null ? "" : sql.replaceAll("\\s+", " ").trim());
      }
    }
    return m;
  }

  private static boolean hasRowid(Connection c, String table) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rowid FROM " + quote(table) + " LIMIT 0")) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static int columnCount(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + quote(table) + " LIMIT 0")) {
      return rs.getMetaData().getColumnCount();
    }
  }

  private static String quote(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  private static TreeSet<String> union(java.util.Set<String> x, java.util.Set<String> y) {
    TreeSet<String> s = new TreeSet<>(x);
    s.addAll(y);
    return s;
  }

  private static void add(List<String> out, int[] more, String line) {
    if (out.size() < MAX_REPORTED) {
      out.add(line);
    } else {
      more[0]++;
    }
  }

  private static String message(String expected, String actual, List<String> d) {
    return "databases differ (expected " + expected + ", actual " + actual + "):\n  " + String.join("\n  ", d);
  }

  private static void requireFile(Path p) {
    Objects.requireNonNull(p, "database");
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("no database file at " + p);
    }
  }

  private static void deleteQuietly(Path db) {
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      try {
        Files.deleteIfExists(Path.of(db + suffix));
      } catch (IOException e) {
        // best effort
      }
    }
    try {
      Files.deleteIfExists(db.getParent());
    } catch (IOException e) {
      // not empty: leave it
    }
  }
}
