package io.litewake.bench;

import io.litewake.IntegrityCheck;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;

/**
 * The Litewake side of {@link PerfProbe}, one measure per fresh JVM ({@code -Xmx128m}): prints one
 * line {@code RESULT key=value ...}.
 *
 * <ul>
 *   <li>{@code restore URI OUT CHECK}: the wall time of the whole {@code Restore...run()} call
 *       ({@code CHECK}: full, quick or none), objects and bytes fetched, peak heap.
 *   <li>{@code boot URI DB}: with the database present, the {@code ifDatabaseMissing()} restore
 *       call, then {@code start()} until it returns; then closes.
 *   <li>{@code burst URI|none DB ROWS BYTES}: {@code start()} (or nothing), then ROWS one-row
 *       transactions of BYTES each at once, timed in windows of 5,000.
 * </ul>
 */
public final class PerfChild {
  private PerfChild() {}

  public static void main(String[] args) throws Exception {
    HeapPeak heap = HeapPeak.start();
    StringBuilder out = new StringBuilder("RESULT");
    switch (args[0]) {
      case "restore" -> {
        long t0 = System.nanoTime();
        RestoreResult r = Restore.from(URI.create(args[1])).to(Path.of(args[2]))
            .integrityCheck(IntegrityCheck.valueOf(args[3].toUpperCase(java.util.Locale.ROOT))).run();
        long ms = (System.nanoTime() - t0) / 1_000_000L;
        out.append(" ms=").append(ms).append(" objects=").append(r.objects()).append(" bytes=")
            .append(r.downloadedBytes()).append(" db=").append(r.databaseBytes().orElse(-1));
      }
      case "boot" -> {
        URI uri = URI.create(args[1]);
        Path db = Path.of(args[2]);
        long t0 = System.nanoTime();
        RestoreResult r = Restore.from(uri).to(db).ifDatabaseMissing().ifReplicaExists().run();
        long t1 = System.nanoTime();
        Replicator rep = Replicator.of(db).to(uri).start();
        long t2 = System.nanoTime();
        rep.sync();
        long t3 = System.nanoTime();
        rep.close();
        out.append(" restoreMs=").append(fmt(t1 - t0)).append(" startMs=").append(fmt(t2 - t1))
            .append(" firstSyncMs=").append(fmt(t3 - t2)).append(" skipped=").append(r.skipped().isPresent());
      }
      case "burst" -> {
        Path db = Path.of(args[2]);
        int rows = Integer.parseInt(args[3]);
        int bytes = Integer.parseInt(args[4]);
        Replicator rep = null;
        long t0 = System.nanoTime();
        if (!args[1].equals("none")) {
          rep = Replicator.of(db).to(URI.create(args[1])).start();
        }
        long started = System.nanoTime();
        StringBuilder windows = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
          try (Statement s = c.createStatement()) {
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=10000");
          }
          Random rnd = new Random(5);
          byte[][] payloads = new byte[64][];
          for (int i = 0; i < payloads.length; i++) {
            payloads[i] = Payload.text(rnd, bytes);
          }
          long w0 = System.nanoTime();
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
              ps.setString(1, "burst-" + i);
              ps.setBytes(2, payloads[i & 63]);
              ps.executeUpdate();
              if ((i + 1) % 5000 == 0) {
                long w1 = System.nanoTime();
                windows.append(windows.length() == 0 ? "" : ",").append(Math.round(5000 / ((w1 - w0) / 1e9)));
                w0 = w1;
              }
            }
          }
          long done = System.nanoTime();
          out.append(" startMs=").append(fmt(started - t0)).append(" txnPerS=")
              .append(Math.round(rows / ((done - started) / 1e9))).append(" windows=").append(windows);
        }
        if (rep != null) {
          rep.sync();
          rep.close();
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    long peak = Math.max(heap.peak(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    out.append(" heap=").append(peak);
    System.out.println(out);
    System.exit(0);
  }

  private static String fmt(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
