package io.litewake.bench;

import static io.litewake.bench.BenchDb.deleteTree;
import static io.litewake.bench.BenchDb.trickleRows;
import static io.litewake.bench.Results.fmt;
import static io.litewake.bench.Results.ratio;

import io.litewake.testsupport.Litestream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** 5. Peak heap and RSS while replicating and restoring a large database. */
final class MemoryWorkload implements Workload {
  @Override
  public void run(BenchOptions opt, Rig rig, Results results) throws Exception {
    int mb = opt.get("big-mb");
    Path base = rig.bigDb("big-base", mb);
    long size = Files.size(base);
    int txns = 1000;
    Path work = rig.work();
    // Litestream
    Path lsDb = rig.copyDb(base, "big-ls");
    String lsPrefix = rig.nextPrefix("big-ls");
    Path cfg = rig.lsConfig(lsDb, lsPrefix, List.of(), List.of());
    Litestream.Replicating side = rig.litestream().replicate(cfg);
    long lsRepT0 = System.nanoTime();
    long lsRep;
    long lsSnapMs;
    try {
      long hwm = 0;
      rig.awaitSnapshot(lsPrefix, side);
      rig.quiet(2000, 600_000);
      lsSnapMs = (System.nanoTime() - lsRepT0) / 1_000_000L;
      trickleRows(lsDb, txns);
      rig.quiet(3000, 60_000);
      hwm = ProcStatus.field(side.process().pid(), "VmHWM");
      lsRep = hwm;
    } finally {
      Rig.stop(side);
    }
    Files.delete(lsDb);
    Path lsOut = work.resolve("big-ls-out.db");
    long[] lsRes = rig.litestreamRestore(cfg, lsDb, lsOut);
    Files.deleteIfExists(lsOut);
    deleteTree(lsDb.getParent());
    // Litewake, child JVM -Xmx128m
    Path lwDb = rig.copyDb(base, "big-lw");
    deleteTree(base.getParent());
    String lwPrefix = rig.nextPrefix("big-lw");
    long[] rep = rig.child(List.of("replicate", lwDb.toString(), rig.litewakeUri(lwPrefix).toString(),
        String.valueOf(txns)), "replicate-big");
    deleteTree(lwDb.getParent());
    Path lwOut = work.resolve("big-lw-out.db");
    long[] res = rig.child(List.of("restore", rig.litewakeUri(lwPrefix).toString(), lwOut.toString(), "true"),
        "restore-big");
    Files.deleteIfExists(lwOut);
    Path lwOut2 = work.resolve("big-lw-out2.db");
    long[] resLs = rig.child(List.of("restore", rig.litewakeUri(lsPrefix).toString(), lwOut2.toString(), "false"),
        "restore-big-ls");
    Files.deleteIfExists(lwOut2);
    String db = (size >> 20) + " MiB db";
    results.add("initial snapshot of a " + db + " (start -> in store), ms", fmt(rep[0]), fmt(lsSnapMs),
        ratio(rep[0], lsSnapMs));
    results.add("peak heap, replicating a " + db + " (-Xmx128m)", (rep[1] >> 20) + " MiB", "n/a (Go)", "target < 128 MiB");
    results.add("peak RSS, replicating a " + db, (rep[2] >> 10) + " MiB", (lsRep >> 10) + " MiB", ratio(rep[2], lsRep));
    results.add("peak heap, restoring a " + db + " (-Xmx128m)", (res[1] >> 20) + " MiB", "n/a (Go)", "target < 128 MiB");
    results.add("peak RSS, restoring a " + db, (res[2] >> 10) + " MiB", (lsRes[1] >> 10) + " MiB", ratio(res[2], lsRes[1]));
    results.add("restore time of the " + db + " (Litewake: own replica + integrity_check / Litestream's replica)",
        fmt(res[0]) + " / " + fmt(resLs[0]), fmt(lsRes[0]), ratio(resLs[0], lsRes[0]) + " (same replica)");
    results.chart("peak heap replicating 1 GB (/128 MiB)", rep[1] / (128.0 * (1 << 20)), 1.0, Double.NaN);
  }
}
