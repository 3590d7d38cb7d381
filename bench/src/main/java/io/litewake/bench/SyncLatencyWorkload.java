package io.litewake.bench;

import static io.litewake.bench.Results.pct;

import io.litewake.Replicator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Random;

/** Litewake sync() latency: commit one row, then sync(). */
final class SyncLatencyWorkload implements Workload {
  @Override
  public void run(BenchOptions opt, Rig rig, Results results) throws Exception {
    int n = opt.get("syncs");
    Path db = rig.newDb("sync");
    double[] out = new double[n];
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Replicator r = Replicator.of(db).to(rig.litewakeUri(rig.nextPrefix("sync"))).start();
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
    results.add("Litewake sync() latency after a 1-row commit, p50 / p99 (ms)",
        String.format("%.1f / %.1f", pct(out, 50), pct(out, 99)), "n/a", "(Litestream has no sync call)");
  }
}
