package io.litewake.bench;

import io.litewake.Position;
import io.litewake.Replicator;
import io.litewake.ReplicatorGroup;
import io.litewake.RestoreResult;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3ProxyServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hundreds of databases in one JVM under a {@link ReplicatorGroup}, on S3Proxy (a child process,
 * so its threads and heap are not counted) behind the counting front: threads and heap for all
 * of them, requests during an idle minute, the time from a commit to the store with 50 databases
 * writing, and {@code restoreAll} onto an empty directory. Prints a markdown table. Run with
 * {@code mvn -B -q -pl bench -am -DskipTests package exec:java -Dbench.main=io.litewake.bench.GroupProbe
 * -Dexec.args="1000 1024 60"} (databases, KB each, idle seconds).
 */
public final class GroupProbe {
  private GroupProbe() {}

  /**
   * Runs the probe.
   *
   * @param args databases (default 1000), size of each in KB (default 1024), idle seconds (default 60)
   * @throws Exception if the probe cannot run
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int kb = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int idle = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    Path work = Files.createTempDirectory("litewake-group");
    List<String[]> rows = new ArrayList<>();
    try (S3ProxyServer s3 = S3ProxyServer.builder().directory(work.resolve("s3proxy")).start()) {
      s3.createBucket(Rig.BUCKET);
      try (S3Front front = S3Front.builder(s3.endpoint()).recordLimit(1).start()) {
        URI base = s3.replicaUri(front.endpoint(), Rig.BUCKET, "tenants");
        Path dir = Files.createDirectories(work.resolve("tenants"));
        long t0 = System.nanoTime();
        List<Path> dbs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          dbs.add(create(dir.resolve(String.format("t%04d.db", i)), kb));
        }
        rows.add(new String[] {"databases created", n + " x " + kb + " KB", secs(t0)});
        System.gc();
        int threads0 = Thread.activeCount();
        long t1 = System.nanoTime();
        try (ReplicatorGroup group = ReplicatorGroup.to(base).start()) {
          for (Path db : dbs) {
            group.add(db);
          }
          for (Replicator r : group.members().values()) {
            r.sync();
          }
          rows.add(new String[] {"all started and synced", n + " databases", secs(t1)});
          rows.add(new String[] {"threads started by Litewake", String.valueOf(Thread.activeCount() - threads0), "target <= 40"});
          System.gc();
          rows.add(new String[] {"heap in use after start (after GC)", mb(used()), "target < 256 MB"});
          Thread.sleep(2000); // the first retention passes of the new members settle
          S3Front.Counts c0 = front.counts();
          Thread.sleep(idle * 1000L);
          long idleRequests = front.counts().minus(c0).requests();
          rows.add(new String[] {"requests while idle", idleRequests + " in " + idle + " s", "target 0"});
          List<Long> latencies = writeLatencies(dir, group.members(), 50, Duration.ofSeconds(30));
          Collections.sort(latencies);
          rows.add(new String[] {"commit to store, 50 writing (p50 / p99 / max)", latencies.get(latencies.size() / 2)
              + " / " + latencies.get(latencies.size() * 99 / 100) + " / " + latencies.get(latencies.size() - 1) + " ms",
              latencies.size() + " commits; target p99 <= 2000 ms"});
          rows.add(new String[] {"peak heap (all pools)", mb(peakHeap()), ""});
        }
        Path restored = Files.createDirectories(work.resolve("restored"));
        long t2 = System.nanoTime();
        List<RestoreResult> results = ReplicatorGroup.restoreAll(base, restored);
        long ok = results.stream().filter(RestoreResult::restored).count();
        rows.add(new String[] {"restoreAll onto an empty directory", ok + " of " + results.size() + " restored", secs(t2)});
      }
    } finally {
      BenchDb.deleteTree(work);
    }
    System.out.println("| measure | value | note |");
    System.out.println("|---|---|---|");
    for (String[] r : rows) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }

  private static Path create(Path db, int kb) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      s.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + Math.max(1, kb / 4)
          + ") INSERT INTO t (v) SELECT randomblob(4000) FROM c");
    }
    return db;
  }

  /** Each of {@code writers} members commits one row at a time and waits until that commit is in the store. */
  private static List<Long> writeLatencies(Path dir, Map<String, Replicator> members, int writers, Duration runFor)
      throws Exception {
    List<Long> all = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    List<String> names = new ArrayList<>(members.keySet());
    long end = System.nanoTime() + runFor.toNanos();
    for (int w = 0; w < writers; w++) {
      String name = names.get(w * names.size() / writers);
      Replicator r = members.get(name);
      Thread t = new Thread(() -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name));
            PreparedStatement ps = c.prepareStatement("INSERT INTO t (v) VALUES (randomblob(200))")) {
          while (System.nanoTime() < end) {
            Optional<Position> before = r.status().replicas().get(0).replicatedPosition();
            ps.executeUpdate();
            long t0 = System.nanoTime();
            while (r.status().replicas().get(0).replicatedPosition().equals(before) || r.status().pendingBytes() > 0) {
              Thread.sleep(5);
            }
            all.add((System.nanoTime() - t0) / 1_000_000);
            Thread.sleep(ThreadLocalRandom.current().nextInt(200));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return all;
  }

  private static long used() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static String mb(long bytes) {
    return (bytes >> 20) + " MB";
  }

  private static String secs(long t0) {
    return String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
  }
}
