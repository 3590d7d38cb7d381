package io.litewake.bench;

import static io.litewake.bench.BenchDb.deleteTree;
import static io.litewake.bench.BenchDb.writeLoop;
import static io.litewake.bench.Results.fmt;
import static io.litewake.bench.Results.log;
import static io.litewake.bench.Results.median;

import io.litewake.Replicator;
import io.litewake.testsupport.Litestream;
import java.nio.file.Path;
import java.util.List;

/** 1. App write throughput: none / Litewake / Litestream; one connection and four writers. */
final class ThroughputWorkload implements Workload {
  @Override
  public void run(BenchOptions opt, Rig rig, Results results) throws Exception {
    int rows = opt.get("rows");
    int runs = opt.get("runs");
    for (int writers : new int[] {1, 4}) {
      double[][] r = new double[3][runs];
      Path warm = rig.newDb("warm"); // JIT and page cache warm-up, not measured
      writeLoop(warm, rows, writers);
      deleteTree(warm.getParent());
      for (int i = 0; i < runs; i++) {
        for (int tool = 0; tool < 3; tool++) { // 0 none, 1 Litewake, 2 Litestream
          Path db = rig.newDb("tp");
          String prefix = rig.nextPrefix("tp");
          Replicator rep = null;
          Litestream.Replicating side = null;
          if (tool == 1) {
            rep = Replicator.of(db).to(rig.litewakeUri(prefix)).start();
            rep.sync();
          } else if (tool == 2) {
            side = rig.litestream().replicate(rig.lsConfig(db, prefix, List.of(), List.of()));
            rig.awaitSnapshot(prefix, side);
          }
          try {
            r[tool][i] = writeLoop(db, rows, writers);
          } finally {
            if (rep != null) {
              rep.close();
            }
            if (side != null) {
              Rig.stop(side);
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
      results.add("write throughput, " + what + ", 1 row/txn (txn/s)", fmt(lw), fmt(lsv),
          String.format("%.2f (Litewake/none %.2f, Litestream/none %.2f; none %s)", lw / lsv, lw / none, lsv / none,
              fmt(none)));
      results.chart("throughput " + what + " vs none", lw / none, 0.9, lsv / none);
    }
  }
}
