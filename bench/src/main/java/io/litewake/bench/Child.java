package io.litewake.bench;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Random;

/**
 * Litewake in its own JVM (started by {@link Bench} with {@code -Xmx128m}), so that its heap and
 * RSS can be measured alone. Prints one line {@code RESULT ms=.. heap=.. hwm=..}.
 *
 * <ul>
 *   <li>{@code replicate DB URI TXNS}: start (initial snapshot, awaited with sync()), TXNS one-row
 *       transactions, sync, close; ms = time to the first sync().
 *   <li>{@code restore URI OUT INTEGRITY}: one restore; ms = the wall time of the whole {@code
 *       Restore...run()} call (opening and closing the replica included).
 * </ul>
 */
public final class Child {
  private Child() {}

  public static void main(String[] args) throws Exception {
    HeapPeak heap = HeapPeak.start();
    long ms;
    switch (args[0]) {
      case "replicate" -> {
        Path db = Path.of(args[1]);
        int txns = Integer.parseInt(args[3]);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
          long t0 = System.nanoTime();
          try (Replicator r = Replicator.of(db).to(URI.create(args[2])).start()) {
            r.sync();
            ms = (System.nanoTime() - t0) / 1_000_000L;
            Random rnd = new Random(7);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
              for (int i = 0; i < txns; i++) {
                ps.setString(1, "child-" + i);
                ps.setBytes(2, Payload.text(rnd, 200));
                ps.executeUpdate();
              }
            }
            r.sync();
          }
        }
      }
      case "restore" -> {
        // what an application waits for at boot: the whole call, the S3 client's start and close
        // included
        long t0 = System.nanoTime();
        RestoreResult r = Restore.from(URI.create(args[1])).to(Path.of(args[2]))
            .integrityCheck(Boolean.parseBoolean(args[3])).run();
        ms = (System.nanoTime() - t0) / 1_000_000L;
        System.out.println("elapsed " + r.elapsed().toMillis() + " ms (RestoreResult)");
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    long peak = Math.max(heap.peak(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    long hwm = ProcStatus.field(ProcessHandle.current().pid(), "VmHWM");
    System.out.println("RESULT ms=" + ms + " heap=" + peak + " hwm=" + hwm + " poolPeaks=" + poolPeaks
        + " max=" + Runtime.getRuntime().maxMemory());
    System.exit(0);
  }
}
