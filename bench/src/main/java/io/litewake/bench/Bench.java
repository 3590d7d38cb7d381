package io.litewake.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Litewake against Litestream v0.3.13, side by side, in one run: one loopback S3 server (S3Proxy,
 * child JVM) behind a counting forwarder; Litestream as a sidecar process; Litewake in-process (and
 * in a {@code -Xmx128m} child JVM for memory and restore). Prints a markdown table and writes
 * {@code bench/target/bench.png}.
 *
 * <p>Arguments: {@code --quick} (smoke run, about 3 minutes) or the sizes one by one: {@code --rows N}
 * (transactions per throughput run), {@code --runs N}, {@code --paced N} (transactions of the
 * bytes/requests workload), {@code --idle-s N}, {@code --lag N} (lag samples), {@code --syncs N},
 * {@code --restore-mb N}, {@code --restore-s N} (seconds of writes after the snapshot),
 * {@code --restore-runs N}, {@code --big-mb N} (memory workload database size), {@code --only
 * throughput,session,sync,restore,memory} (a subset of the workloads), {@code --jfr}
 * (record the Litewake child JVMs with JFR into the work directory, kept), {@code --keep}.
 *
 * <p>The parts: {@link BenchOptions} (the arguments), {@link Rig} (work directory, servers,
 * Litestream, child JVMs), {@link BenchDb} (the database and its write loads), one {@link
 * Workload} per measure, {@link Results} (table, chart rows, log).
 */
public final class Bench {
  private final BenchOptions opt;
  private final Path work;
  private final Rig rig;
  private final Results results = new Results();

  private Bench(String[] args) throws Exception {
    opt = BenchOptions.parse(args);
    work = Files.createTempDirectory("litewake-bench");
    rig = new Rig(work, opt.jfr());
  }

  public static void main(String[] args) throws Exception {
    Bench b = new Bench(args);
    long t0 = System.nanoTime();
    try {
      b.run();
    } finally {
      b.rig.close();
      if (!b.opt.keep()) {
        BenchDb.deleteTree(b.work);
      } else {
        System.out.println("work directory kept: " + b.work);
      }
    }
    System.out.printf("%ntotal %d s, options %s%n", (System.nanoTime() - t0) / 1_000_000_000L, b.opt);
  }

  /** The workloads by their {@code --only} name, in the order they run. */
  private static Map<String, Workload> workloads() {
    Map<String, Workload> w = new LinkedHashMap<>();
    w.put("throughput", new ThroughputWorkload());
    w.put("session", new SessionWorkload());
    w.put("sync", new SyncLatencyWorkload());
    w.put("restore", new RestoreWorkload());
    w.put("memory", new MemoryWorkload());
    return w;
  }

  private void run() throws Exception {
    Results.log("work " + work + ", options " + opt);
    rig.start();

    for (Map.Entry<String, Workload> w : workloads().entrySet()) {
      if (opt.runs(w.getKey())) {
        w.getValue().run(opt, rig, results);
      }
    }

    results.printTable();
    Path png = Path.of(System.getProperty("litewake.bench.png", "target/bench.png")).toAbsolutePath();
    if (opt.only() != null) { // a partial run does not overwrite the chart of a full one
      png = png.resolveSibling("bench-" + opt.only().replace(',', '-') + ".png");
    }
    Chart.write(results.chartRows(), png);
    System.out.println("chart: " + png);
  }
}
