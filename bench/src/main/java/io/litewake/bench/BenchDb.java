package io.litewake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark's database, {@code app.db} with one table {@code t (id, k, v)}: creating, opening
 * and filling it, the write loads the workloads apply, and a checksum of its rows.
 */
final class BenchDb {
  private BenchDb() {}

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

  /** Transactions per second of one-row transactions from {@code writers} connections. */
  static double writeLoop(Path db, int rows, int writers) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    int per = rows / writers;
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(writers);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(new Thread(() -> {
        try (Connection c = open(db); PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
          Random rnd = new Random(id);
          byte[][] payloads = new byte[64][];
          for (int i = 0; i < payloads.length; i++) {
            payloads[i] = Payload.text(rnd, 200);
          }
          ready.countDown();
          go.await();
          for (int i = 0; i < per; i++) {
            ps.setString(1, "w" + id + "-" + i);
            ps.setBytes(2, payloads[i & 63]);
            ps.executeUpdate();
          }
        } catch (Throwable t) {
          errors.add(t);
          ready.countDown();
        }
      }));
    }
    threads.forEach(Thread::start);
    ready.await();
    long t0 = System.nanoTime();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long t1 = System.nanoTime();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("writer failed", errors.get(0));
    }
    return per * writers / ((t1 - t0) / 1e9);
  }

  /** Fills the new database {@code db} with about {@code mb} MB of compressible rows, checkpointed. */
  static Path fill(Path db, int mb) throws Exception {
    long t0 = System.nanoTime();
    try (Connection c = open(db)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
        Random rnd = new Random(1);
        byte[][] payloads = new byte[4096][];
        for (int i = 0; i < payloads.length; i++) {
          payloads[i] = Payload.text(rnd, 1000);
        }
        for (int i = 0; i < mb * 950; i++) {
          ps.setString(1, "key-" + i);
          ps.setBytes(2, payloads[rnd.nextInt(payloads.length)]);
          ps.executeUpdate();
          if (i % 20_000 == 0) {
            c.commit();
          }
        }
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    Results.log(String.format("built %s: %d MB in %d ms", db, Files.size(db) / 1_000_000,
        (System.nanoTime() - t0) / 1_000_000));
    return db;
  }

  /** Writes for {@code seconds}: every 50 ms one transaction of 5 rows (1 KB each) and one update. */
  static void trickle(Path db, int seconds) throws Exception {
    try (Connection c = open(db);
        PreparedStatement ins = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)");
        PreparedStatement upd = c.prepareStatement("UPDATE t SET k = ? WHERE id = ?")) {
      Random rnd = new Random(99);
      int n = seconds * 20;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long wait = start + i * 50_000_000L - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        c.setAutoCommit(false);
        for (int j = 0; j < 5; j++) {
          ins.setString(1, "trickle-" + i + "-" + j);
          ins.setBytes(2, Payload.text(rnd, 1000));
          ins.executeUpdate();
        }
        upd.setString(1, "updated-" + i);
        upd.setLong(2, 1 + rnd.nextInt(10_000));
        upd.executeUpdate();
        c.commit();
        c.setAutoCommit(true);
      }
    }
  }

  /** {@code txns} one-row transactions of 200 bytes. */
  static void trickleRows(Path db, int txns) throws Exception {
    try (Connection c = open(db); PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      Random rnd = new Random(7);
      for (int i = 0; i < txns; i++) {
        ps.setString(1, "more-" + i);
        ps.setBytes(2, Payload.text(rnd, 200));
        ps.executeUpdate();
      }
    }
  }

  /** A checksum of the rows: their count plus the lengths of their keys. */
  static long count(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) + coalesce(sum(length(k)), 0) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Fails unless the restored database has the checksum {@code expect}. */
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
