package io.litewake.bench;

import io.litewake.Replicator;
import io.litewake.testsupport.Litestream;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
 */
public final class Bench {
  static final String BUCKET = "bench";

  private final Map<String, Integer> opt = new LinkedHashMap<>();
  private final boolean jfr;
  private final String only;
  private final Path work;
  private S3ProxyServer s3;
  private S3Front fwd;
  private Litestream ls;
  private final List<String[]> table = new ArrayList<>();
  /** metric name, Litewake / Litestream (or / baseline), target. */
  final List<Object[]> chart = new ArrayList<>();
  private int prefixes;

  private Bench(String[] args) throws IOException {
    boolean quick = Arrays.asList(args).contains("--quick");
    jfr = Arrays.asList(args).contains("--jfr");
    int o = Arrays.asList(args).indexOf("--only");
    only = o >= 0 && o + 1 < args.length ? args[o + 1] : null;
    opt.put("rows", quick ? 10000 : 100000);
    opt.put("runs", quick ? 1 : 5);
    opt.put("paced", quick ? 1000 : 5000);
    opt.put("idle-s", quick ? 10 : 60);
    opt.put("lag", quick ? 8 : 40);
    opt.put("syncs", quick ? 50 : 200);
    opt.put("restore-mb", quick ? 20 : 100);
    opt.put("restore-s", quick ? 8 : 40);
    opt.put("restore-runs", quick ? 1 : 3);
    opt.put("big-mb", quick ? 100 : 1024);
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].startsWith("--") && opt.containsKey(args[i].substring(2))) {
        opt.put(args[i].substring(2), Integer.parseInt(args[i + 1]));
      }
    }
    work = Files.createTempDirectory("litewake-bench");
  }

  public static void main(String[] args) throws Exception {
    Bench b = new Bench(args);
    boolean keep = Arrays.asList(args).contains("--keep") || b.jfr;
    long t0 = System.nanoTime();
    try {
      b.run();
    } finally {
      b.shutdown();
      if (!keep) {
        deleteTree(b.work);
      } else {
        System.out.println("work directory kept: " + b.work);
      }
    }
    System.out.printf("%ntotal %d s, options %s%n", (System.nanoTime() - t0) / 1_000_000_000L, b.opt);
  }

  private void run() throws Exception {
    log("work " + work + ", options " + opt);
    ls = new Litestream(Litestream.binary(), work);
    s3 = S3ProxyServer.builder().directory(work.resolve("s3proxy")).start();
    s3.createBucket(BUCKET);
    // counts what each tool sends; keeps client connections alive, so the tools reuse theirs
    fwd = S3Front.builder(s3.endpoint()).recordLimit(1).start();
    log("S3Proxy on " + s3.endpoint() + ", counting front on " + fwd.endpoint());

    if (runs("throughput")) {
      throughput();
    }
    if (runs("session")) {
      replicationSession();
    }
    if (runs("sync")) {
      syncLatency();
    }
    if (runs("restore")) {
      restore();
    }
    if (runs("memory")) {
      memory();
    }

    printTable();
    Path png = Path.of(System.getProperty("litewake.bench.png", "target/bench.png")).toAbsolutePath();
    if (only != null) { // a partial run does not overwrite the chart of a full one
      png = png.resolveSibling("bench-" + only.replace(',', '-') + ".png");
    }
    Chart.write(chart, png);
    System.out.println("chart: " + png);
  }

  private boolean runs(String workload) {
    return only == null || Arrays.asList(only.split(",")).contains(workload);
  }

  private void shutdown() throws Exception {
    if (fwd != null) {
      fwd.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  // ---------------------------------------------------------------- workloads

  /** 1. App write throughput: none / Litewake / Litestream; one connection and four writers. */
  private void throughput() throws Exception {
    int rows = opt.get("rows");
    int runs = opt.get("runs");
    for (int writers : new int[] {1, 4}) {
      double[][] r = new double[3][runs];
      Path warm = newDb("warm"); // JIT and page cache warm-up, not measured
      writeLoop(warm, rows, writers);
      deleteTree(warm.getParent());
      for (int i = 0; i < runs; i++) {
        for (int tool = 0; tool < 3; tool++) { // 0 none, 1 Litewake, 2 Litestream
          Path db = newDb("tp");
          String prefix = nextPrefix("tp");
          Replicator rep = null;
          Litestream.Replicating side = null;
          if (tool == 1) {
            rep = Replicator.of(db).to(litewakeUri(prefix)).start();
            rep.sync();
          } else if (tool == 2) {
            side = ls.replicate(lsConfig(db, prefix, List.of(), List.of()));
            awaitSnapshot(prefix, side);
          }
          try {
            r[tool][i] = writeLoop(db, rows, writers);
          } finally {
            if (rep != null) {
              rep.close();
            }
            if (side != null) {
              stop(side);
            }
          }
          deleteTree(db.getParent());
        }
        log(String.format("throughput %d writer(s) run %d: none %.0f, Litewake %.0f, Litestream %.0f txn/s",
            writers, i + 1, r[0][i], r[1][i], r[2][i]));
      }
      double none = median(r[0]);
      double lw = median(r[1]);
      double lsv = median(r[2]);
      String what = writers == 1 ? "1 connection" : "4 writer threads";
      add("write throughput, " + what + ", 1 row/txn (txn/s)", fmt(lw), fmt(lsv),
          String.format("%.2f (Litewake/none %.2f, Litestream/none %.2f; none %s)", lw / lsv, lw / none, lsv / none,
              fmt(none)));
      chart.add(new Object[] {"throughput " + what + " vs none", lw / none, 0.9, lsv / none});
    }
  }

  /** 2 and 4: requests/bytes per 1000 transactions, idle requests, replication lag, per tool. */
  private void replicationSession() throws Exception {
    int paced = opt.get("paced");
    int idle = opt.get("idle-s");
    int lagN = opt.get("lag");
    Object[][] res = new Object[2][];
    for (int tool = 0; tool < 2; tool++) {
      Path db = newDb("sess");
      String prefix = nextPrefix("sess");
      Replicator rep = null;
      Litestream.Replicating side = null;
      try {
        if (tool == 0) {
          rep = Replicator.of(db).to(litewakeUri(prefix)).start();
          rep.sync();
        } else {
          side = ls.replicate(lsConfig(db, prefix, List.of(), List.of()));
          awaitSnapshot(prefix, side);
        }
        quiet(3000, 30_000);
        S3Front.Counts c0 = fwd.counts();
        long rowBytes;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
            PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
          Random rnd = new Random(11);
          rowBytes = 0;
          long start = System.nanoTime();
          for (int i = 0; i < paced; i++) {
            long due = start + i * 5_000_000L; // 200 txn/s
            long wait = due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            byte[] v = Payload.text(rnd, 500);
            rowBytes += v.length;
            ps.setString(1, "paced-" + i);
            ps.setBytes(2, v);
            ps.executeUpdate();
          }
        }
        if (rep != null) {
          rep.sync();
        }
        quiet(3000, 30_000);
        S3Front.Counts c1 = fwd.counts();
        Thread.sleep(idle * 1000L);
        S3Front.Counts c2 = fwd.counts();
        S3Front.Counts work1 = c1.minus(c0);
        S3Front.Counts idle1 = c2.minus(c1);
        log((tool == 0 ? "Litewake" : "Litestream") + " paced " + paced + " txns (" + rowBytes + " payload bytes): "
            + work1 + "; idle " + idle + " s: " + idle1);
        double[] lag = lag(db, prefix, lagN, side);
        res[tool] = new Object[] {work1, idle1, lag};
      } finally {
        if (rep != null) {
          rep.close();
        }
        if (side != null) {
          stop(side);
        }
      }
    }
    S3Front.Counts lwW = (S3Front.Counts) res[0][0];
    S3Front.Counts lsW = (S3Front.Counts) res[1][0];
    S3Front.Counts lwI = (S3Front.Counts) res[0][1];
    S3Front.Counts lsI = (S3Front.Counts) res[1][1];
    double k = 1000.0 / paced;
    double perHour = 3600.0 / idle;
    add("requests to the store per 1000 txns (200 txn/s, 500 B rows)", fmt1(lwW.requests() * k) + " " + lwW.byKind(),
        fmt1(lsW.requests() * k) + " " + lsW.byKind(), ratio(lwW.requests(), lsW.requests()));
    add("bytes sent to the store per 1000 txns (wire; bodies)", kb(lwW.bytesUp() * k) + "; " + kb(lwW.bodyBytes() * k),
        kb(lsW.bytesUp() * k) + "; " + kb(lsW.bodyBytes() * k), ratio(lwW.bytesUp(), lsW.bytesUp()));
    chart.add(new Object[] {"bytes sent per 1000 txns (/Litestream)", (double) lwW.bytesUp() / lsW.bytesUp(), 0.7, 1.0});
    add("requests / bytes sent per hour idle (measured " + idle + " s)",
        fmt1(lwI.requests() * perHour) + " / " + kb(lwI.bytesUp() * perHour) + " " + lwI.byKind(),
        fmt1(lsI.requests() * perHour) + " / " + kb(lsI.bytesUp() * perHour) + " " + lsI.byKind(),
        lwI.requests() == 0 ? "Litewake sends nothing when idle" : "Litewake NOT idle");
    double[] lwL = (double[]) res[0][2];
    double[] lsL = (double[]) res[1][2];
    add("replication lag p50, default settings (commit -> WAL object in store, ms)", fmt(pct(lwL, 50)),
        fmt(pct(lsL, 50)), ratio(pct(lwL, 50), pct(lsL, 50)));
    add("replication lag p99 (" + lwL.length + " commits at random phase, ms)", fmt(pct(lwL, 99)), fmt(pct(lsL, 99)),
        ratio(pct(lwL, 99), pct(lsL, 99)));
    chart.add(new Object[] {"lag p50 (/Litestream)", pct(lwL, 50) / pct(lsL, 50), 1.0, 1.0});
  }

  /** Sparse commits; time from commit until a new WAL object exists in the store. */
  private double[] lag(Path db, String prefix, int n, Litestream.Replicating side) throws Exception {
    double[] out = new double[n];
    Random rnd = new Random(5);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      for (int i = 0; i < n; i++) {
        Thread.sleep(300 + rnd.nextInt(1000));
        long before = walObjects(prefix);
        ps.setString(1, "lag-" + i);
        ps.setBytes(2, Payload.text(rnd, 200));
        ps.executeUpdate();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(20);
        while (walObjects(prefix) <= before && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        out[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(out);
    return out;
  }

  /** Litewake sync() latency: commit one row, then sync(). */
  private void syncLatency() throws Exception {
    int n = opt.get("syncs");
    Path db = newDb("sync");
    double[] out = new double[n];
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Replicator r = Replicator.of(db).to(litewakeUri(nextPrefix("sync"))).start();
        PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      r.sync();
      Random rnd = new Random(3);
      for (int i = 0; i < n; i++) {
        ps.setString(1, "s" + i);
        ps.setBytes(2, Payload.text(rnd, 200));
        ps.executeUpdate();
        long t0 = System.nanoTime();
        r.sync();
        out[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(out);
    add("Litewake sync() latency after a 1-row commit, p50 / p99 (ms)",
        String.format("%.1f / %.1f", pct(out, 50), pct(out, 99)), "n/a", "(Litestream has no sync call)");
  }

  /** 3. Restore time of the same Litestream replica by both tools, and of a Litewake replica. */
  private void restore() throws Exception {
    int mb = opt.get("restore-mb");
    int seconds = opt.get("restore-s");
    Path base = bigDb("restore-base", mb);
    // Litestream writes the replica (100 ms monitor/sync so that writes make hundreds of segments)
    Path lsDb = copyDb(base, "restore-ls");
    String lsPrefix = nextPrefix("restore-ls");
    Path cfg = lsConfig(lsDb, lsPrefix, List.of("monitor-interval: 100ms"),
        List.of("sync-interval: 100ms"));
    Litestream.Replicating side = ls.replicate(cfg);
    try {
      awaitSnapshot(lsPrefix, side);
      trickle(lsDb, seconds);
      quiet(3000, 60_000);
    } finally {
      stop(side);
    }
    // Litewake writes a replica of the same data
    Path lwDb = copyDb(base, "restore-lw");
    String lwPrefix = nextPrefix("restore-lw");
    try (Replicator r = Replicator.of(lwDb).to(litewakeUri(lwPrefix)).syncInterval(java.time.Duration.ofMillis(100))
        .start()) {
      r.sync();
      trickle(lwDb, seconds);
      r.sync();
    }
    long expect = count(lsDb);
    if (expect != count(lwDb)) {
      throw new IllegalStateException("the two databases differ: " + expect + " vs " + count(lwDb));
    }
    String lsShape = shape(lsPrefix);
    String lwShape = shape(lwPrefix);
    log("Litestream replica: " + lsShape + "; Litewake replica: " + lwShape);
    int runs = opt.get("restore-runs");
    double[] lsT = new double[runs];
    double[] lwT = new double[runs];
    double[] lwTi = new double[runs];
    double[] lwOwn = new double[runs];
    double[] lwWall = new double[runs];
    for (int i = 0; i < runs; i++) {
      Path o1 = work.resolve("r-ls-" + i + ".db");
      lsT[i] = litestreamRestore(cfg, lsDb, o1)[0];
      check(o1, expect);
      Path o2 = work.resolve("r-lw-" + i + ".db");
      long w0 = System.nanoTime();
      lwT[i] = child(List.of("restore", litewakeUri(lsPrefix).toString(), o2.toString(), "false"), "restore-ls")[0];
      lwWall[i] = (System.nanoTime() - w0) / 1e6;
      check(o2, expect);
      Path o3 = work.resolve("r-lwi-" + i + ".db");
      lwTi[i] = child(List.of("restore", litewakeUri(lsPrefix).toString(), o3.toString(), "true"), "restore-ls-ic")[0];
      check(o3, expect);
      Path o4 = work.resolve("r-own-" + i + ".db");
      lwOwn[i] = child(List.of("restore", litewakeUri(lwPrefix).toString(), o4.toString(), "false"), "restore-lw")[0];
      check(o4, expect);
      for (Path p : List.of(o1, o2, o3, o4)) {
        Files.deleteIfExists(p);
      }
      log(String.format("restore run %d: litestream %.0f ms; Litewake %.0f ms (child wall %.0f, with integrity_check"
          + " %.0f); Litewake of its own replica %.0f ms", i + 1, lsT[i], lwT[i], lwWall[i], lwTi[i], lwOwn[i]));
    }
    long size = Files.size(lsDb);
    add("restore of Litestream's replica (" + size / 1_000_000 + " MB db; " + lsShape + "), ms",
        fmt(median(lwT)) + " (JVM wall incl. start " + fmt(median(lwWall)) + "; +integrity_check "
            + fmt(median(lwTi)) + ")", fmt(median(lsT)), ratio(median(lwT), median(lsT)));
    add("restore of a Litewake replica of the same data (" + lwShape + "), ms", fmt(median(lwOwn)), "n/a (zstd)",
        ratio(median(lwOwn), median(lsT)) + " vs Litestream restoring its own");
    chart.add(new Object[] {"restore same replica (/Litestream)", median(lwT) / median(lsT), 0.5, 1.0});
    for (Path p : List.of(base, lsDb, lwDb)) {
      deleteTree(p.getParent());
    }
  }

  /** 5. Peak heap and RSS while replicating and restoring a large database. */
  private void memory() throws Exception {
    int mb = opt.get("big-mb");
    Path base = bigDb("big-base", mb);
    long size = Files.size(base);
    int txns = 1000;
    // Litestream
    Path lsDb = copyDb(base, "big-ls");
    String lsPrefix = nextPrefix("big-ls");
    Path cfg = lsConfig(lsDb, lsPrefix, List.of(), List.of());
    Litestream.Replicating side = ls.replicate(cfg);
    long lsRepT0 = System.nanoTime();
    long lsRep;
    long lsSnapMs;
    try {
      long hwm = 0;
      awaitSnapshot(lsPrefix, side);
      quiet(2000, 600_000);
      lsSnapMs = (System.nanoTime() - lsRepT0) / 1_000_000L;
      trickleRows(lsDb, txns);
      quiet(3000, 60_000);
      hwm = ProcStatus.field(side.process().pid(), "VmHWM");
      lsRep = hwm;
    } finally {
      stop(side);
    }
    Files.delete(lsDb);
    Path lsOut = work.resolve("big-ls-out.db");
    long[] lsRes = litestreamRestore(cfg, lsDb, lsOut);
    Files.deleteIfExists(lsOut);
    deleteTree(lsDb.getParent());
    // Litewake, child JVM -Xmx128m
    Path lwDb = copyDb(base, "big-lw");
    deleteTree(base.getParent());
    String lwPrefix = nextPrefix("big-lw");
    long[] rep = child(List.of("replicate", lwDb.toString(), litewakeUri(lwPrefix).toString(), String.valueOf(txns)),
        "replicate-big");
    deleteTree(lwDb.getParent());
    Path lwOut = work.resolve("big-lw-out.db");
    long[] res = child(List.of("restore", litewakeUri(lwPrefix).toString(), lwOut.toString(), "true"), "restore-big");
    Files.deleteIfExists(lwOut);
    Path lwOut2 = work.resolve("big-lw-out2.db");
    long[] resLs = child(List.of("restore", litewakeUri(lsPrefix).toString(), lwOut2.toString(), "false"),
        "restore-big-ls");
    Files.deleteIfExists(lwOut2);
    String db = (size >> 20) + " MiB db";
    add("initial snapshot of a " + db + " (start -> in store), ms", fmt(rep[0]), fmt(lsSnapMs),
        ratio(rep[0], lsSnapMs));
    add("peak heap, replicating a " + db + " (-Xmx128m)", (rep[1] >> 20) + " MiB", "n/a (Go)", "target < 128 MiB");
    add("peak RSS, replicating a " + db, (rep[2] >> 10) + " MiB", (lsRep >> 10) + " MiB", ratio(rep[2], lsRep));
    add("peak heap, restoring a " + db + " (-Xmx128m)", (res[1] >> 20) + " MiB", "n/a (Go)", "target < 128 MiB");
    add("peak RSS, restoring a " + db, (res[2] >> 10) + " MiB", (lsRes[1] >> 10) + " MiB", ratio(res[2], lsRes[1]));
    add("restore time of the " + db + " (Litewake: own replica + integrity_check / Litestream's replica)",
        fmt(res[0]) + " / " + fmt(resLs[0]), fmt(lsRes[0]), ratio(resLs[0], lsRes[0]) + " (same replica)");
    chart.add(new Object[] {"peak heap replicating 1 GB (/128 MiB)", rep[1] / (128.0 * (1 << 20)), 1.0, Double.NaN});
  }

  // ---------------------------------------------------------------- helpers

  /** Runs {@link Child} in a -Xmx128m JVM; returns {ms, peak heap bytes, VmHWM kB (polled by us)}. */
  private long[] child(List<String> args, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", classpath()));
    if (jfr) {
      cmd.add("-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr") + ",settings=profile");
    }
    String extra = System.getenv("LITEWAKE_BENCH_CHILD_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("io.litewake.bench.Child");
    cmd.addAll(args);
    Path log = work.resolve("child-" + name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long hwm = ProcStatus.watchPeak(p, 900);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || !out.contains("RESULT ")) {
      throw new IllegalStateException("child " + args + " failed (" + p.exitValue() + "):\n" + out);
    }
    String line = out.substring(out.lastIndexOf("RESULT "));
    long ms = Long.parseLong(line.replaceAll("(?s).*ms=(\\d+).*", "$1"));
    long heap = Long.parseLong(line.replaceAll("(?s).*heap=(\\d+).*", "$1"));
    return new long[] {ms, heap, hwm};
  }

  private static String classpath() {
    List<String> parts = new ArrayList<>();
    ClassLoader cl = Bench.class.getClassLoader();
    if (cl instanceof URLClassLoader u) {
      for (URL url : u.getURLs()) {
        try {
          parts.add(Path.of(url.toURI()).toString());
        } catch (Exception e) {
          parts.add(url.getPath());
        }
      }
    }
    if (parts.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  private URI litewakeUri(String prefix) {
    return s3.replicaUri(fwd.endpoint(), BUCKET, prefix);
  }

  /** A Litestream configuration replicating {@code db} to {@code prefix} through the counting front. */
  private Path lsConfig(Path db, String prefix, List<String> dbOptions, List<String> replicaOptions)
      throws IOException {
    StringBuilder replica = new StringBuilder(Litestream.s3Replica(fwd.endpoint(), s3.region(), BUCKET, prefix,
        s3.accessKey(), s3.secretKey()));
    for (String o : replicaOptions) {
      replica.append("\n  ").append(o);
    }
    return ls.config(db, replica.toString(), dbOptions.toArray(String[]::new));
  }

  /** SIGTERM (Litestream's final sync), unless it exited already (then a caller reported it). */
  private static void stop(Litestream.Replicating side) throws InterruptedException {
    if (side.process().isAlive()) {
      side.stop();
    }
  }

  /** {@code litestream restore -o out -config cfg db}; returns {wall ms, peak RSS kB}. */
  private long[] litestreamRestore(Path cfg, Path db, Path out) throws IOException, InterruptedException {
    Path log = work.resolve("restore-" + out.getFileName() + ".log");
    long t0 = System.nanoTime();
    Process p = ls.startRestore(cfg, db, out, log);
    long hwm = ProcStatus.watchPeak(p, 600);
    long ms = (System.nanoTime() - t0) / 1_000_000L;
    if (p.exitValue() != 0) {
      throw new IllegalStateException("litestream restore exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
    return new long[] {ms, hwm};
  }

  /** Waits until no client sent a byte to the store for {@code quietMs}, at most {@code maxMs}. */
  private void quiet(long quietMs, long maxMs) throws InterruptedException {
    fwd.awaitQuiet(Duration.ofMillis(quietMs), Duration.ofMillis(maxMs));
  }

  private String nextPrefix(String what) {
    return what + "-" + (++prefixes);
  }

  private Path newDb(String what) throws Exception {
    return createDb(Files.createTempDirectory(work, what));
  }

  /** Creates {@code dir/app.db} in WAL mode with the benchmark's table. */
  static Path createDb(Path dir) throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v BLOB)");
    }
    return db;
  }

  static Connection open(Path db) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  /** Transactions per second of one-row transactions from {@code writers} connections. */
  private static double writeLoop(Path db, int rows, int writers) throws Exception {
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

  /** A database of about {@code mb} MB of compressible rows, checkpointed. */
  private Path bigDb(String what, int mb) throws Exception {
    Path db = newDb(what);
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
    log(String.format("built %s: %d MB in %d ms", db, Files.size(db) / 1_000_000, (System.nanoTime() - t0) / 1_000_000));
    return db;
  }

  private Path copyDb(Path src, String what) throws IOException {
    Path dir = Files.createTempDirectory(work, what);
    Path db = dir.resolve("app.db");
    Files.copy(src, db, StandardCopyOption.REPLACE_EXISTING);
    return db;
  }

  /** Writes for {@code seconds}: every 50 ms one transaction of 5 rows (1 KB each) and one update. */
  private static void trickle(Path db, int seconds) throws Exception {
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

  private static void trickleRows(Path db, int txns) throws Exception {
    try (Connection c = open(db); PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      Random rnd = new Random(7);
      for (int i = 0; i < txns; i++) {
        ps.setString(1, "more-" + i);
        ps.setBytes(2, Payload.text(rnd, 200));
        ps.executeUpdate();
      }
    }
  }

  private static long count(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) + coalesce(sum(length(k)), 0) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void check(Path restored, long expect) throws Exception {
    long got = count(restored);
    if (got != expect) {
      throw new IllegalStateException("restored " + restored + " has checksum " + got + ", expected " + expect);
    }
  }

  private void awaitSnapshot(String prefix, Litestream.Replicating side) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (side != null) {
        side.assertAlive();
      }
      if (objects(prefix, "/snapshots/") > 0) {
        quiet(1000, 600_000);
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no snapshot under " + prefix);
  }

  private long walObjects(String prefix) throws IOException {
    return objects(prefix, "/wal/");
  }

  private long objects(String prefix, String dir) throws IOException {
    Path root = s3.objects(BUCKET, prefix);
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().contains(dir) && Files.isRegularFile(p)).count();
    } catch (java.io.UncheckedIOException e) {
      return 0; // a directory changed under us; retry on the next poll
    }
  }

  private String shape(String prefix) throws IOException {
    Path root = s3.objects(BUCKET, prefix);
    long snaps = 0;
    long snapBytes = 0;
    long wal = 0;
    long walBytes = 0;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (p.toString().contains("/snapshots/")) {
          snaps++;
          snapBytes += Files.size(p);
        } else if (p.toString().contains("/wal/")) {
          wal++;
          walBytes += Files.size(p);
        }
      }
    }
    return String.format("%d snapshot %.1f MB + %d WAL objects %.1f MB", snaps, snapBytes / 1e6, wal, walBytes / 1e6);
  }

  // ---------------------------------------------------------------- output

  private void add(String measure, String litewake, String litestream, String ratio) {
    table.add(new String[] {measure, litewake, litestream, ratio});
    log(measure + ": Litewake " + litewake + " | Litestream " + litestream + " | " + ratio);
  }

  private void printTable() {
    System.out.println();
    System.out.println("| measure | Litewake | Litestream v0.3.13 | Litewake / Litestream |");
    System.out.println("|---|---|---|---|");
    for (String[] t : table) {
      System.out.println("| " + String.join(" | ", t) + " |");
    }
    System.out.printf("%n%d cores, %s %s, Java %s; S3Proxy 4.1.0 (filesystem-nio2) on loopback%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }

  private static void log(String s) {
    System.out.printf(Locale.ROOT, "[bench %tT] %s%n", System.currentTimeMillis(), s);
  }

  private static String ratio(double a, double b) {
    return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%,.0f", d);
  }

  private static String fmt1(double d) {
    return String.format(Locale.ROOT, "%,.1f", d);
  }

  private static String kb(double bytes) {
    return String.format(Locale.ROOT, "%,.1f KB", bytes / 1000);
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
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
