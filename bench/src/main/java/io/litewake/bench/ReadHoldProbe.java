package io.litewake.bench;

import io.litewake.Replicator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;

/**
 * Measures how a held read transaction alone changes SQLite's single-connection write rate,
 * next to Litewake on a {@code file:} replica (no S3, no Litestream): the evidence for the
 * write-throughput section of {@code bench/RESULTS.md}. Run with
 * {@code mvn -B -q -pl bench -am -DskipTests package exec:java
 * -Dbench.main=io.litewake.bench.ReadHoldProbe -Dexec.args="50000"}.
 */
public final class ReadHoldProbe {
  private ReadHoldProbe() {}

  /**
   * Prints three rounds of transactions per second for each setup.
   *
   * @param args the number of one-row transactions per measurement (default 50 000)
   * @throws Exception if a database cannot be written
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    Path dir = Files.createTempDirectory("litewake-readhold");
    System.out.println("| setup | txn/s per round |");
    System.out.println("|---|---|");
    StringBuilder none = new StringBuilder();
    StringBuilder held = new StringBuilder();
    StringBuilder heldAbove = new StringBuilder();
    StringBuilder lw = new StringBuilder();
    StringBuilder fast = new StringBuilder();
    for (int r = 0; r < 3; r++) {
      none.append(String.format(" %,.0f", loop(fresh(dir, "none" + r), n)));
      Path h = fresh(dir, "held" + r);
      try (Connection c = BenchDb.open(h); Statement s = c.createStatement()) {
        s.execute("BEGIN");
        s.executeQuery("SELECT count(*) FROM t").close();
        held.append(String.format(" %,.0f", loop(h, n)));
        s.execute("COMMIT");
      }
      Path a = fresh(dir, "above" + r);
      try (Connection c = BenchDb.open(a); Statement s = c.createStatement()) {
        s.execute("INSERT INTO t (k, v) VALUES ('first', x'00')"); // the WAL has a frame now
        s.execute("BEGIN");
        s.executeQuery("SELECT count(*) FROM t").close();
        heldAbove.append(String.format(" %,.0f", loop(a, n)));
        s.execute("COMMIT");
      }
      Path l = fresh(dir, "lw" + r);
      try (Replicator rep = Replicator.of(l).to(dir.resolve("replica-lw" + r).toUri()).start()) {
        lw.append(String.format(" %,.0f", loop(l, n)));
      }
      Path f = fresh(dir, "fast" + r);
      try (Replicator rep = Replicator.of(f).to(dir.resolve("replica-fast" + r).toUri())
          .syncInterval(Duration.ofMillis(100)).start()) {
        fast.append(String.format(" %,.0f", loop(f, n)));
      }
    }
    System.out.println("| no replication |" + none + " |");
    System.out.println("| no replication, a read transaction begun on an empty WAL (read mark 0) |" + held + " |");
    System.out.println("| no replication, a read transaction begun after one commit (read mark 1) |" + heldAbove + " |");
    System.out.println("| Litewake, defaults |" + lw + " |");
    System.out.println("| Litewake, syncInterval 100 ms |" + fast + " |");
  }

  private static Path fresh(Path dir, String name) throws Exception {
    return BenchDb.createDb(Files.createDirectories(dir.resolve(name)));
  }

  private static double loop(Path db, int n) throws Exception {
    try (Connection c = BenchDb.open(db);
        PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      Random rnd = new Random(1);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ps.setString(1, "k" + i);
        ps.setBytes(2, Payload.text(rnd, 200));
        ps.executeUpdate();
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }
}
