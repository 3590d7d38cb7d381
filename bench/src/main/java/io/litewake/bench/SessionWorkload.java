package io.litewake.bench;

import static io.litewake.bench.Results.fmt;
import static io.litewake.bench.Results.fmt1;
import static io.litewake.bench.Results.kb;
import static io.litewake.bench.Results.log;
import static io.litewake.bench.Results.pct;
import static io.litewake.bench.Results.ratio;

import io.litewake.Replicator;
import io.litewake.testsupport.Litestream;
import io.litewake.testsupport.S3Front;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** 2 and 4: requests/bytes per 1000 transactions, idle requests, replication lag, per tool. */
final class SessionWorkload implements Workload {
  @Override
  public void run(BenchOptions opt, Rig rig, Results results) throws Exception {
    int paced = opt.get("paced");
    int idle = opt.get("idle-s");
    int lagN = opt.get("lag");
    Object[][] res = new Object[2][];
    for (int tool = 0; tool < 2; tool++) {
      Path db = rig.newDb("sess");
      String prefix = rig.nextPrefix("sess");
      Replicator rep = null;
      Litestream.Replicating side = null;
      try {
        if (tool == 0) {
          rep = Replicator.of(db).to(rig.litewakeUri(prefix)).start();
          rep.sync();
        } else {
          side = rig.litestream().replicate(rig.lsConfig(db, prefix, List.of(), List.of()));
          rig.awaitSnapshot(prefix, side);
        }
        rig.quiet(3000, 30_000);
        S3Front.Counts c0 = rig.counts();
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
        rig.quiet(3000, 30_000);
        S3Front.Counts c1 = rig.counts();
        Thread.sleep(idle * 1000L);
        S3Front.Counts c2 = rig.counts();
        S3Front.Counts work1 = c1.minus(c0);
        S3Front.Counts idle1 = c2.minus(c1);
        log((tool == 0 ? "Litewake" : "Litestream") + " paced " + paced + " txns (" + rowBytes + " payload bytes): "
            + work1 + "; idle " + idle + " s: " + idle1);
        double[] lag = lag(rig, db, prefix, lagN);
        res[tool] = new Object[] {work1, idle1, lag};
      } finally {
        if (rep != null) {
          rep.close();
        }
        if (side != null) {
          Rig.stop(side);
        }
      }
    }
    S3Front.Counts lwW = (S3Front.Counts) res[0][0];
    S3Front.Counts lsW = (S3Front.Counts) res[1][0];
    S3Front.Counts lwI = (S3Front.Counts) res[0][1];
    S3Front.Counts lsI = (S3Front.Counts) res[1][1];
    double k = 1000.0 / paced;
    double perHour = 3600.0 / idle;
    results.add("requests to the store per 1000 txns (200 txn/s, 500 B rows)", fmt1(lwW.requests() * k) + " " + lwW.byKind(),
        fmt1(lsW.requests() * k) + " " + lsW.byKind(), ratio(lwW.requests(), lsW.requests()));
    results.add("bytes sent to the store per 1000 txns (wire; bodies)", kb(lwW.bytesUp() * k) + "; " + kb(lwW.bodyBytes() * k),
        kb(lsW.bytesUp() * k) + "; " + kb(lsW.bodyBytes() * k), ratio(lwW.bytesUp(), lsW.bytesUp()));
    results.chart("bytes sent per 1000 txns (/Litestream)", (double) lwW.bytesUp() / lsW.bytesUp(), 0.7, 1.0);
    results.add("requests / bytes sent per hour idle (measured " + idle + " s)",
        fmt1(lwI.requests() * perHour) + " / " + kb(lwI.bytesUp() * perHour) + " " + lwI.byKind(),
        fmt1(lsI.requests() * perHour) + " / " + kb(lsI.bytesUp() * perHour) + " " + lsI.byKind(),
        lwI.requests() == 0 ? "Litewake sends nothing when idle" : "Litewake NOT idle");
    double[] lwL = (double[]) res[0][2];
    double[] lsL = (double[]) res[1][2];
    results.add("replication lag p50, default settings (commit -> WAL object in store, ms)", fmt(pct(lwL, 50)),
        fmt(pct(lsL, 50)), ratio(pct(lwL, 50), pct(lsL, 50)));
    results.add("replication lag p99 (" + lwL.length + " commits at random phase, ms)", fmt(pct(lwL, 99)), fmt(pct(lsL, 99)),
        ratio(pct(lwL, 99), pct(lsL, 99)));
    results.chart("lag p50 (/Litestream)", pct(lwL, 50) / pct(lsL, 50), 1.0, 1.0);
  }

  /** Sparse commits; time from commit until a new WAL object exists in the store. */
  private static double[] lag(Rig rig, Path db, String prefix, int n) throws Exception {
    double[] out = new double[n];
    Random rnd = new Random(5);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      for (int i = 0; i < n; i++) {
        Thread.sleep(300 + rnd.nextInt(1000));
        long before = rig.walObjects(prefix);
        ps.setString(1, "lag-" + i);
        ps.setBytes(2, Payload.text(rnd, 200));
        ps.executeUpdate();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(20);
        while (rig.walObjects(prefix) <= before && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        out[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(out);
    return out;
  }
}
