package io.litewake.bench;

import io.litewake.Replicator;
import io.litewake.testsupport.Litestream;
import io.litewake.testsupport.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The restore and boot figures of the performance issue, Litewake against Litestream v0.3.13 back
 * to back, each Litewake measure in a fresh {@code -Xmx128m} JVM ({@link PerfChild}, under {@code
 * /usr/bin/time} for its CPU). Replicas are built once into a kept work directory ({@code
 * -Dperf.work}, default {@code bench/target/perf}) on S3Proxy's file system, then measured as often
 * as asked ({@code mvn -B -q -pl bench -am -DskipTests package exec:java
 * -Dbench.main=io.litewake.bench.PerfProbe -Dexec.args="..."}):
 *
 * <pre>
 * prepare-hot 176 91        # a 176 MB database; 91 s of hot-page rewrites replicated by Litestream (LZ4), then by Litewake (zstd)
 * prepare-big 1000          # a 930 MiB database, a snapshot written by Litestream
 * restore hot 5 full        # restore times, median of 5, Litestream first each round (also: big; checks full,quick,none)
 * boot 9                    # restore-on-boot with the database present, then start()
 * burst 25000 1000 7        # the first commits after start() against none (a 5th argument: a prepared database, hot-base)
 * bounded 20 120            # bytes a restore of latest fetches after two minutes of hard rewrites
 * clients hot-lw/generations/ID/wal/ 3   # the SDK's Netty and URL-connection clients on a cold JVM
 * </pre>
 *
 * Every line it prints starts with the load average at that moment.
 */
public final class PerfProbe {
  static final String BUCKET = "perf";
  private final Path work;
  private final S3ProxyServer s3;
  private final Litestream ls;

  private PerfProbe(Path work) throws Exception {
    this.work = work;
    Files.createDirectories(work);
    s3 = S3ProxyServer.builder().directory(work.resolve("s3proxy")).start();
    s3.createBucket(BUCKET);
    ls = new Litestream(Litestream.binary(), Files.createDirectories(work.resolve("ls")));
  }

  public static void main(String[] args) throws Exception {
    // default: bench/target/perf (beside the Litestream install the bench's pom points at)
    Path work = Path.of(System.getProperty("perf.work",
        Path.of(System.getProperty("litewake.litestream.dir", "target/litestream")).resolveSibling("perf").toString()))
        .toAbsolutePath();
    PerfProbe p = new PerfProbe(work);
    try {
      switch (args[0]) {
        case "prepare-hot" -> p.prepareHot(Integer.parseInt(args[1]), Integer.parseInt(args[2]), true);
        case "prepare-hot-lw" -> p.prepareHot(Integer.parseInt(args[1]), Integer.parseInt(args[2]), false);
        case "prepare-big" -> p.prepareBig(Integer.parseInt(args[1]));
        case "restore" -> p.restore(args[1], Integer.parseInt(args[2]), args.length > 3 ? args[3] : "full");
        case "boot" -> p.boot(Integer.parseInt(args[1]));
        case "clients" -> p.clients(args[1], Integer.parseInt(args[2]));
        case "bounded" -> p.bounded(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        case "burst" -> p.burst(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
            args.length > 4 ? args[4] : null);
        default -> throw new IllegalArgumentException(args[0]);
      }
    } finally {
      p.s3.close();
    }
    System.exit(0);
  }

  // ------------------------------------------------------------------ replicas

  /**
   * A database of {@code mb} MB, replicated by Litestream (LZ4, default one-second sync: one WAL
   * segment a second) while a writer rewrites a hot set of rows for {@code seconds}; then the same
   * writes replicated by Litewake (zstd, default settings) from a copy of the same base.
   */
  private void prepareHot(int mb, int seconds, boolean litestream) throws Exception {
    Path base = litestream ? bigDb("hot-base", mb) : work.resolve("hot-base").resolve("app.db");
    if (litestream) {
      Path lsDb = copy(base, "hot-ls");
      Path cfg = lsConfig(lsDb, "hot-ls");
      Litestream.Replicating side = ls.replicate(cfg);
      try {
        awaitObjects("hot-ls", "/snapshots/", 1);
        PerfWrites.hotWrites(lsDb, seconds);
        Thread.sleep(3000);
      } finally {
        side.stop();
      }
    }
    Files.writeString(work.resolve("hot.count"), Long.toString(PerfDb.count(work.resolve("hot-ls").resolve("app.db"))));
    Path lwDb = copy(base, "hot-lw");
    try (Replicator r = Replicator.of(lwDb).to(s3.replicaUri(BUCKET, "hot-lw")).start()) {
      r.sync();
      PerfWrites.hotWrites(lwDb, seconds);
      r.sync();
    }
    log("hot: Litestream " + shape("hot-ls") + "; Litewake " + shape("hot-lw"));
    if (PerfDb.count(lwDb) != Long.parseLong(Files.readString(work.resolve("hot.count")).trim())) {
      throw new IllegalStateException("the Litewake and Litestream databases differ");
    }
  }

  /** A database of {@code mb} MB replicated by Litestream (LZ4) and Litewake: snapshots only. */
  private void prepareBig(int mb) throws Exception {
    Path base = bigDb("big-base", mb);
    Path lsDb = copy(base, "big-ls");
    Path cfg = lsConfig(lsDb, "big-ls");
    Litestream.Replicating side = ls.replicate(cfg);
    try {
      awaitObjects("big-ls", "/snapshots/", 1);
      Thread.sleep(3000);
    } finally {
      side.stop();
    }
    log("big: Litestream " + shape("big-ls"));
    Files.writeString(work.resolve("big.count"), Long.toString(PerfDb.count(lsDb)));
  }

  // ------------------------------------------------------------------ measures

  /** Litestream and Litewake restoring the replicas of {@code what} (hot, big), alternating. */
  private void restore(String what, int runs, String check) throws Exception {
    long expect = Long.parseLong(Files.readString(work.resolve(what + ".count")).trim());
    Path lsDb = work.resolve(what + "-ls").resolve("app.db");
    Path cfg = lsConfig(lsDb, what + "-ls");
    List<String> prefixes = new ArrayList<>(List.of(what + "-ls"));
    if (s3.objects(BUCKET, what + "-lw") != null && Files.isDirectory(s3.objects(BUCKET, what + "-lw"))) {
      prefixes.add(what + "-lw");
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      Path out = work.resolve("out-ls.db");
      Files.deleteIfExists(out);
      long t0 = System.nanoTime();
      double lsCpu = timedRestore(cfg, lsDb, out);
      double lsMs = (System.nanoTime() - t0) / 1e6;
      times.computeIfAbsent("litestream restore CPU s", k -> new ArrayList<>()).add(lsCpu);
      PerfDb.check(out, expect);
      times.computeIfAbsent("litestream restore " + what + "-ls", k -> new ArrayList<>()).add(lsMs);
      log(String.format(Locale.ROOT, "run %d: litestream %s-ls %.0f ms", i + 1, what, lsMs));
      for (String prefix : prefixes) {
        for (String oneCheck : check.split(",")) {
          Path o = work.resolve("out-lw.db");
          Files.deleteIfExists(o);
          Map<String, String> r = child("restore", s3.replicaUri(BUCKET, prefix).toString(), o.toString(), oneCheck);
          PerfDb.check(o, expect);
          double ms = Double.parseDouble(r.get("ms"));
          times.computeIfAbsent("Litewake " + prefix + " (" + oneCheck + ") process CPU s", k -> new ArrayList<>())
              .add(Double.parseDouble(r.get("cpu")));
          times.computeIfAbsent("Litewake " + prefix + " (" + oneCheck + ")", k -> new ArrayList<>()).add(ms);
          log(String.format(Locale.ROOT, "run %d: Litewake %s (%s) %.0f ms, %s objects, %s bytes, heap %d MiB", i + 1,
              prefix, oneCheck, ms, r.get("objects"), r.get("bytes"), Long.parseLong(r.get("heap")) >> 20));
        }
      }
    }
    summary(times);
  }

  /**
   * Bytes a restore of the latest state fetches after {@code seconds} of hard rewrites of a
   * {@code mb} MB database, Litewake (default options) and Litestream (defaults) side by side.
   */
  private void bounded(int mb, int seconds) throws Exception {
    Path base = bigDb("bounded-base", mb);
    long size = Files.size(base);
    // Litestream
    Path lsDb = copy(base, "bounded-ls");
    Path cfg = lsConfig(lsDb, "bounded-ls");
    Litestream.Replicating side = ls.replicate(cfg);
    try {
      awaitObjects("bounded-ls", "/snapshots/", 1);
      PerfWrites.hardWrites(lsDb, seconds, mb);
      Thread.sleep(3000);
    } finally {
      side.stop();
    }
    Path out = work.resolve("out-bounded.db");
    Files.deleteIfExists(out);
    ls.restore(cfg, lsDb, out);
    String lsShape = shape("bounded-ls");
    // Litewake
    Path lwDb = copy(base, "bounded-lw");
    try (Replicator r = Replicator.of(lwDb).to(s3.replicaUri(BUCKET, "bounded-lw")).start()) {
      r.sync();
      PerfWrites.hardWrites(lwDb, seconds, mb);
      r.sync();
    }
    Files.deleteIfExists(out);
    Map<String, String> res = child("restore", s3.replicaUri(BUCKET, "bounded-lw").toString(), out.toString(), "none");
    PerfDb.check(out, PerfDb.count(lwDb));
    log(String.format(Locale.ROOT, "bounded: database %d bytes; Litewake restore of latest fetched %s bytes in %s"
        + " objects (%.2fx the database); Litestream replica: %s (its restore reads the latest generation)", size,
        res.get("bytes"), res.get("objects"), Long.parseLong(res.get("bytes")) / (double) size, lsShape));
    log("Litewake replica: " + shape("bounded-lw"));
  }

  /** The SDK's async (Netty) and sync (URL connection) clients on a cold JVM: build, LIST, GETs of a prefix. */
  private void clients(String prefix, int runs) throws Exception {
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      for (String kind : List.of("async", "sync", "apache5")) {
        Map<String, String> r = childOf(ClientProbe.class.getName(), kind, s3.endpoint().toString(), BUCKET, prefix,
            s3.accessKey(), s3.secretKey());
        for (String k : List.of("buildMs", "listMs", "getMs")) {
          times.computeIfAbsent(kind + " " + k, x -> new ArrayList<>()).add(Double.parseDouble(r.get(k)));
        }
        log("clients run " + (i + 1) + " " + kind + ": " + r);
      }
    }
    summary(times);
  }

  /** Boot with the database present: the restore call and start(), in fresh JVMs. */
  private void boot(int runs) throws Exception {
    BenchDb.deleteTree(work.resolve("boot"));
    Path db = BenchDb.createDb(Files.createDirectories(work.resolve("boot")));
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      // a new generation at every start (no saved state): one claim PUT, one snapshot
      BenchDb.deleteTree(db.resolveSibling("." + db.getFileName() + "-litewake"));
      Map<String, String> r = child("boot", s3.replicaUri(BUCKET, "boot").toString(), db.toString());
      for (String k : List.of("restoreMs", "startMs", "firstSyncMs")) {
        times.computeIfAbsent(k, x -> new ArrayList<>()).add(Double.parseDouble(r.get(k)));
      }
      log("boot run " + (i + 1) + ": " + r);
    }
    summary(times);
  }

  /**
   * The first {@code rows} commits of {@code bytes} each after start(), against no replication; on
   * an empty database, or on a copy of {@code base} (a prepared database directory, such as
   * {@code hot-base}).
   */
  private void burst(int rows, int bytes, int runs, String base) throws Exception {
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      for (String mode : List.of("none", "litewake")) {
        Path dir = work.resolve("burst-" + mode);
        BenchDb.deleteTree(dir);
        Path db;
        if (base == null) {
          db = BenchDb.createDb(Files.createDirectories(dir));
        } else { // a database of some size: start() snapshots it, and uploads it while the application writes
          db = copy(work.resolve(base).resolve("app.db"), "burst-" + mode);
        }
        String uri = mode.equals("none") ? "none" : s3.replicaUri(BUCKET, "burst-" + i).toString();
        Map<String, String> r = child("burst", uri, db.toString(), Integer.toString(rows), Integer.toString(bytes));
        String[] w = r.get("windows").split(",");
        double first = 0;
        double later = 0;
        int laterN = 0;
        for (int k = 0; k < w.length; k++) {
          if (k < 5) {
            first += 5000 / Double.parseDouble(w[k]); // seconds for the first 25,000
          } else {
            later += 5000 / Double.parseDouble(w[k]);
            laterN++;
          }
        }
        times.computeIfAbsent(mode + " first 25k", x -> new ArrayList<>()).add(Math.min(5, w.length) * 5000 / first);
        if (laterN > 0) {
          times.computeIfAbsent(mode + " after 25k", x -> new ArrayList<>()).add(laterN * 5000 / later);
        }
        log("burst run " + (i + 1) + " " + mode + ": " + r);
      }
    }
    summary(times);
    log(String.format(Locale.ROOT, "ratio litewake/none (medians), first 25k: %.2f",
        median(times.get("litewake first 25k")) / median(times.get("none first 25k"))));
    if (times.containsKey("none after 25k")) {
      log(String.format(Locale.ROOT, "ratio litewake/none (medians), after 25k (steady): %.2f",
          median(times.get("litewake after 25k")) / median(times.get("none after 25k"))));
    }
  }

  // ------------------------------------------------------------------ helpers

  /** {@code litestream restore} under {@code /usr/bin/time}; returns its CPU seconds (user + system). */
  private double timedRestore(Path cfg, Path db, Path out) throws Exception {
    Path log = work.resolve("litestream-restore.log");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S"));
    String wrap = System.getenv("PERF_LS_WRAP"); // e.g. strace -f -c -o FILE -e trace=fsync,fdatasync
    if (wrap != null && !wrap.isBlank()) {
      cmd.addAll(List.of(wrap.trim().split("\\s+")));
    }
    cmd.addAll(List.of(ls.bin().toString(), "restore", "-config", cfg.toString(), "-o", out.toString(),
        db.toAbsolutePath().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("litestream restore failed:\n" + Files.readString(log));
    }
    String t = Files.readString(log);
    String[] f = t.substring(t.lastIndexOf("TIME ") + 5).trim().split("\\s+");
    return Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
  }

  private Map<String, String> child(String... args) throws Exception {
    return childOf(null, args);
  }

  private Map<String, String> childOf(String main, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S", java, "-Xmx128m", "-cp",
        ChildJvm.classpath()));
    String extra = System.getenv("PERF_CHILD_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    if (main != null) {
      cmd.add(main);
      cmd.addAll(List.of(args));
    } else if (System.getenv("PERF_BASELINE") != null && args[0].equals("restore")) {
      // the code before this work: Bench's own child, integrity_check on or off
      cmd.add("io.litewake.bench.Child");
      cmd.addAll(List.of(args[0], args[1], args[2], Boolean.toString(!args[3].equals("none"))));
    } else {
      cmd.add(PerfChild.class.getName());
      cmd.addAll(List.of(args));
    }
    Path log = work.resolve("child-" + args[0] + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || !out.contains("RESULT ")) {
      throw new IllegalStateException("child " + Arrays.toString(args) + " failed (" + p.exitValue() + "):\n" + out);
    }
    Map<String, String> m = new LinkedHashMap<>();
    String result = out.substring(out.lastIndexOf("RESULT ") + 7);
    result = result.substring(0, result.indexOf('\n') < 0 ? result.length() : result.indexOf('\n'));
    for (String kv : result.trim().split("\\s+")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (out.contains("TIME ")) {
      String[] f = out.substring(out.lastIndexOf("TIME ") + 5).trim().split("\\s+");
      m.put("cpu", String.format(Locale.ROOT, "%.2f", Double.parseDouble(f[1]) + Double.parseDouble(f[2])));
    }
    return m;
  }

  private Path lsConfig(Path db, String prefix, String... dbOptions) throws IOException {
    return ls.config(db, Litestream.s3Replica(s3.endpoint(), s3.region(), BUCKET, prefix, s3.accessKey(),
        s3.secretKey()), dbOptions);
  }

  private Path bigDb(String what, int mb) throws Exception {
    Path dir = work.resolve(what);
    BenchDb.deleteTree(dir);
    return BenchDb.fill(BenchDb.createDb(Files.createDirectories(dir)), mb);
  }

  private Path copy(Path src, String what) throws IOException {
    Path dir = work.resolve(what);
    BenchDb.deleteTree(dir);
    Files.createDirectories(dir);
    Path db = dir.resolve("app.db");
    Files.copy(src, db, StandardCopyOption.REPLACE_EXISTING);
    return db;
  }

  private void awaitObjects(String prefix, String dir, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (ReplicaFiles.count(s3.objects(BUCKET, prefix), dir) >= n) {
        Thread.sleep(1000);
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no " + dir + " under " + prefix);
  }

  private String shape(String prefix) throws IOException {
    return ReplicaFiles.shape(s3.objects(BUCKET, prefix));
  }

  private static void summary(Map<String, List<Double>> times) {
    for (Map.Entry<String, List<Double>> e : times.entrySet()) {
      log(String.format(Locale.ROOT, "%s: median %.1f of %s", e.getKey(), median(e.getValue()), e.getValue()));
    }
  }

  static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  static void log(String s) {
    System.out.printf(Locale.ROOT, "[perf %tT load %s] %s%n", System.currentTimeMillis(), load(), s);
  }
}
