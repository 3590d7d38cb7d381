package io.litewake.bench;

import io.litewake.Replicator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Random;

/**
 * Where a fast writer's time goes: the latency of every commit of one connection writing one-row
 * transactions, without replication and with Litewake on a {@code file:} replica (no S3, no
 * Litestream), in one JVM so that the later rounds run on JIT-compiled code. Prints per round the
 * rate, the median and p99 commit latency, and the time spent in commits slower than 1 ms and
 * 5 ms: the application's own checkpoints (without replication) or the replicator's write locks
 * (with it). Run with {@code mvn -B -q -pl bench -am -DskipTests package exec:java
 * -Dbench.main=io.litewake.bench.CommitStallProbe -Dexec.args="100000 4"}.
 */
public final class CommitStallProbe {
  private CommitStallProbe() {}

  /**
   * Prints one table row per round and setup.
   *
   * @param args transactions per round (default 100 000) and rounds per setup (default 4)
   * @throws Exception if a database cannot be written
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path dir = Files.createTempDirectory("litewake-stalls");
    try {
      System.out.println("| setup | round | txn/s | p50 / p99 commit (us) | max (ms) | in commits > 1 ms (ms) | > 5 ms (ms) |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (String setup : new String[] {"no replication", "Litewake, defaults"}) {
        for (int r = 1; r <= rounds; r++) {
          Path db = BenchDb.createDb(Files.createDirectories(dir.resolve(setup.hashCode() + "-" + r)));
          Replicator rep = setup.startsWith("Litewake")
              ? Replicator.of(db).to(Files.createDirectories(db.resolveSibling("replica")).toUri()).start()
              : null;
          try {
            if (rep != null) {
              rep.sync();
            }
            System.out.println("| " + setup + " | " + r + " | " + round(db, n) + " |");
          } finally {
            if (rep != null) {
              rep.close();
            }
          }
        }
      }
    } finally {
      BenchDb.deleteTree(dir);
    }
  }

  private static String round(Path db, int n) throws Exception {
    long[] lat = new long[n];
    long total;
    try (Connection c = BenchDb.open(db); PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      Random rnd = new Random(1);
      byte[][] payloads = new byte[64][];
      for (int i = 0; i < payloads.length; i++) {
        payloads[i] = Payload.text(rnd, 200);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ps.setString(1, "k" + i);
        ps.setBytes(2, payloads[i & 63]);
        long s = System.nanoTime();
        ps.executeUpdate();
        lat[i] = System.nanoTime() - s;
      }
      total = System.nanoTime() - t0;
    }
    long over1 = 0;
    long over5 = 0;
    for (long l : lat) {
      over1 += l > 1_000_000 ? l : 0;
      over5 += l > 5_000_000 ? l : 0;
    }
    long[] sorted = lat.clone();
    Arrays.sort(sorted);
    return String.format("%,.0f | %d / %d | %d | %d | %d", n / (total / 1e9), sorted[n / 2] / 1000,
        sorted[n * 99 / 100] / 1000, sorted[n - 1] / 1_000_000, over1 / 1_000_000, over5 / 1_000_000);
  }
}
