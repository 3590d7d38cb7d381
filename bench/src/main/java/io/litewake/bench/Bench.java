package io.litewake.bench;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark harness: runs each workload and prints a markdown table. Arguments (all
 * optional): {@code --rows N} (write loop transactions, default 20000), {@code --syncs N} (sync
 * latency samples, default 300), {@code --db-mb N} (size of the restore database, default 500),
 * {@code --runs N} (repetitions of the throughput pair, default 3).
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    int rows = intArg(args, "--rows", 20_000);
    int syncs = intArg(args, "--syncs", 300);
    int dbMb = intArg(args, "--db-mb", 500);
    int runs = intArg(args, "--runs", 3);
    Path work = Files.createTempDirectory("litewake-bench");
    try {
      List<String[]> table = new ArrayList<>();
      double[] plain = new double[runs];
      double[] replicated = new double[runs];
      for (int i = 0; i < runs; i++) {
        plain[i] = writeLoop(work.resolve("plain-" + i + ".db"), null, rows);
        replicated[i] = writeLoop(work.resolve("repl-" + i + ".db"), work.resolve("replica-" + i).toUri(), rows);
      }
      double p = median(plain);
      double r = median(replicated);
      table.add(row("write throughput, 1 connection, 1 row/txn, no replication", fmt(p) + " txn/s", ""));
      table.add(row("write throughput, same, with Litewake (file replica)", fmt(r) + " txn/s", String.format("%.2f x", r / p)));

      double[] lat = syncLatency(work.resolve("sync.db"), work.resolve("replica-sync").toUri(), syncs);
      table.add(row("sync() latency p50 (file replica)", String.format("%.2f ms", pct(lat, 50)), ""));
      table.add(row("sync() latency p99 (file replica)", String.format("%.2f ms", pct(lat, 99)), ""));

      long[] restore = restore(work, dbMb);
      double mb = restore[0] / 1e6;
      table.add(row("restore of a " + Math.round(mb) + " MB database (file replica, integrity_check on)",
          String.format("%.0f MB/s", mb / (restore[1] / 1e3)), restore[1] + " ms"));
      table.add(row("restore, integrity_check off", String.format("%.0f MB/s", mb / (restore[2] / 1e3)), restore[2] + " ms"));
      table.add(row("peak heap used (whole run)", (peakHeap() >> 20) + " MB", "-Xmx " + (Runtime.getRuntime().maxMemory() >> 20) + " MB"));

      System.out.println();
      System.out.println("| measure | value | ratio / note |");
      System.out.println("|---|---|---|");
      for (String[] t : table) {
        System.out.println("| " + String.join(" | ", t) + " |");
      }
      System.out.printf("%n%d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
          System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    } finally {
      deleteTree(work);
    }
  }

  private static Connection create(Path db) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=5000");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB)");
    }
    return c;
  }

  /** Transactions per second of a one-row-per-transaction insert loop. */
  static double writeLoop(Path db, URI replica, int rows) throws Exception {
    try (Connection c = create(db)) {
      Replicator r = replica == null ? null : Replicator.of(db).to(replica).start();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, randomblob(100))")) {
        long t0 = System.nanoTime();
        for (int i = 0; i < rows; i++) {
          ps.setString(1, "key-" + i);
          ps.executeUpdate();
        }
        long t1 = System.nanoTime();
        return rows / ((t1 - t0) / 1e9);
      } finally {
        if (r != null) {
          r.close();
        }
      }
    }
  }

  static double[] syncLatency(Path db, URI replica, int n) throws Exception {
    double[] out = new double[n];
    try (Connection c = create(db); Replicator r = Replicator.of(db).to(replica).start();
        PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, randomblob(200))")) {
      for (int i = 0; i < n; i++) {
        ps.setString(1, "k" + i);
        ps.executeUpdate();
        long t0 = System.nanoTime();
        r.sync();
        out[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(out);
    return out;
  }

  /** Returns {bytes, ms with integrity check, ms without}. */
  static long[] restore(Path work, int mb) throws Exception {
    Path db = work.resolve("big.db");
    URI replica = work.resolve("replica-big").toUri();
    try (Connection c = create(db)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
        java.util.Random rnd = new java.util.Random(1);
        byte[] v = new byte[1000];
        for (int i = 0; i < mb * 1000; i++) {
          // half random, half repetitive: compressible like real data
          rnd.nextBytes(v);
          Arrays.fill(v, 500, 1000, (byte) (i % 7));
          ps.setString(1, "key-" + i);
          ps.setBytes(2, v);
          ps.executeUpdate();
          if (i % 10_000 == 0) {
            c.commit();
          }
        }
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      try (Replicator r = Replicator.of(db).to(replica).start()) {
        r.sync();
      }
    }
    long bytes = Files.size(db);
    Path out1 = work.resolve("restored-1.db");
    RestoreResult a = Restore.from(replica).to(out1).run();
    Path out2 = work.resolve("restored-2.db");
    RestoreResult b = Restore.from(replica).to(out2).integrityCheck(false).run();
    return new long[] {bytes, a.elapsed().toMillis(), b.elapsed().toMillis()};
  }

  private static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        total += pool.getPeakUsage().getUsed();
      }
    }
    return total;
  }

  private static String[] row(String a, String b, String c) {
    return new String[] {a, b, c};
  }

  private static String fmt(double d) {
    return String.format("%,.0f", d);
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static int intArg(String[] args, String name, int dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return dflt;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static {
    Duration.ofSeconds(1); // keep java.time loaded before timing
  }
}
