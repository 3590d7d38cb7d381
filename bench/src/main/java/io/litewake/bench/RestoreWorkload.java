package io.litewake.bench;

import static io.litewake.bench.BenchDb.check;
import static io.litewake.bench.BenchDb.count;
import static io.litewake.bench.BenchDb.deleteTree;
import static io.litewake.bench.BenchDb.trickle;
import static io.litewake.bench.Results.fmt;
import static io.litewake.bench.Results.log;
import static io.litewake.bench.Results.median;
import static io.litewake.bench.Results.ratio;

import io.litewake.Replicator;
import io.litewake.testsupport.Litestream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** 3. Restore time of the same Litestream replica by both tools, and of a Litewake replica. */
final class RestoreWorkload implements Workload {
  @Override
  public void run(BenchOptions opt, Rig rig, Results results) throws Exception {
    int mb = opt.get("restore-mb");
    int seconds = opt.get("restore-s");
    Path base = rig.bigDb("restore-base", mb);
    // Litestream writes the replica (100 ms monitor/sync so that writes make hundreds of segments)
    Path lsDb = rig.copyDb(base, "restore-ls");
    String lsPrefix = rig.nextPrefix("restore-ls");
    Path cfg = rig.lsConfig(lsDb, lsPrefix, List.of("monitor-interval: 100ms"),
        List.of("sync-interval: 100ms"));
    Litestream.Replicating side = rig.litestream().replicate(cfg);
    try {
      rig.awaitSnapshot(lsPrefix, side);
      trickle(lsDb, seconds);
      rig.quiet(3000, 60_000);
    } finally {
      Rig.stop(side);
    }
    // Litewake writes a replica of the same data
    Path lwDb = rig.copyDb(base, "restore-lw");
    String lwPrefix = rig.nextPrefix("restore-lw");
    try (Replicator r = Replicator.of(lwDb).to(rig.litewakeUri(lwPrefix)).syncInterval(java.time.Duration.ofMillis(100))
        .start()) {
      r.sync();
      trickle(lwDb, seconds);
      r.sync();
    }
    long expect = count(lsDb);
    if (expect != count(lwDb)) {
      throw new IllegalStateException("the two databases differ: " + expect + " vs " + count(lwDb));
    }
    String lsShape = rig.shape(lsPrefix);
    String lwShape = rig.shape(lwPrefix);
    log("Litestream replica: " + lsShape + "; Litewake replica: " + lwShape);
    int runs = opt.get("restore-runs");
    double[] lsT = new double[runs];
    double[] lwT = new double[runs];
    double[] lwTi = new double[runs];
    double[] lwOwn = new double[runs];
    double[] lwWall = new double[runs];
    Path work = rig.work();
    for (int i = 0; i < runs; i++) {
      Path o1 = work.resolve("r-ls-" + i + ".db");
      lsT[i] = rig.litestreamRestore(cfg, lsDb, o1)[0];
      check(o1, expect);
      Path o2 = work.resolve("r-lw-" + i + ".db");
      long w0 = System.nanoTime();
      lwT[i] = rig.child(List.of("restore", rig.litewakeUri(lsPrefix).toString(), o2.toString(), "false"),
          "restore-ls")[0];
      lwWall[i] = (System.nanoTime() - w0) / 1e6;
      check(o2, expect);
      Path o3 = work.resolve("r-lwi-" + i + ".db");
      lwTi[i] = rig.child(List.of("restore", rig.litewakeUri(lsPrefix).toString(), o3.toString(), "true"),
          "restore-ls-ic")[0];
      check(o3, expect);
      Path o4 = work.resolve("r-own-" + i + ".db");
      lwOwn[i] = rig.child(List.of("restore", rig.litewakeUri(lwPrefix).toString(), o4.toString(), "false"),
          "restore-lw")[0];
      check(o4, expect);
      for (Path p : List.of(o1, o2, o3, o4)) {
        Files.deleteIfExists(p);
      }
      log(String.format("restore run %d: litestream %.0f ms; Litewake %.0f ms (child wall %.0f, with integrity_check"
          + " %.0f); Litewake of its own replica %.0f ms", i + 1, lsT[i], lwT[i], lwWall[i], lwTi[i], lwOwn[i]));
    }
    long size = Files.size(lsDb);
    results.add("restore of Litestream's replica (" + size / 1_000_000 + " MB db; " + lsShape + "), ms",
        fmt(median(lwT)) + " (JVM wall incl. start " + fmt(median(lwWall)) + "; +integrity_check "
            + fmt(median(lwTi)) + ")", fmt(median(lsT)), ratio(median(lwT), median(lsT)));
    results.add("restore of a Litewake replica of the same data (" + lwShape + "), ms", fmt(median(lwOwn)), "n/a (zstd)",
        ratio(median(lwOwn), median(lsT)) + " vs Litestream restoring its own");
    results.chart("restore same replica (/Litestream)", median(lwT) / median(lsT), 0.5, 1.0);
    for (Path p : List.of(base, lsDb, lwDb)) {
      deleteTree(p.getParent());
    }
  }
}
