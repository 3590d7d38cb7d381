package io.litewake.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The write loads of {@link PerfProbe}: a hot set rewritten at a steady rate, and hard rewrites of everything. */
final class PerfWrites {
  private PerfWrites() {}

  /** Rewrites a hot set: every 12 ms, a transaction updating 12 of the first 3,000 rows, and one insert. */
  static void hotWrites(Path db, int seconds) throws Exception {
    try (Connection c = BenchDb.open(db);
        PreparedStatement upd = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
        PreparedStatement ins = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      Random rnd = new Random(42);
      int n = seconds * 1000 / 12;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long wait = start + i * 12_000_000L - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        c.setAutoCommit(false);
        for (int j = 0; j < 12; j++) {
          upd.setBytes(1, Payload.text(rnd, 1000));
          upd.setLong(2, 1 + rnd.nextInt(3000));
          upd.executeUpdate();
        }
        ins.setString(1, "hot-" + i);
        ins.setBytes(2, Payload.text(rnd, 1000));
        ins.executeUpdate();
        c.commit();
        c.setAutoCommit(true);
      }
    }
  }

  /** Rewrites random rows of the whole database as fast as one connection can, in 20-row transactions. */
  static void hardWrites(Path db, int seconds, int mb) throws Exception {
    try (Connection c = BenchDb.open(db); PreparedStatement upd = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
      Random rnd = new Random(9);
      int rows = mb * 950;
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        c.setAutoCommit(false);
        for (int j = 0; j < 20; j++) {
          upd.setBytes(1, Payload.text(rnd, 1000));
          upd.setLong(2, 1 + rnd.nextInt(rows));
          upd.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
        Thread.sleep(2); // hard, but leaves the replicators a share of the two cores
      }
    }
  }

}
