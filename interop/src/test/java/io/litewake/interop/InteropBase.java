package io.litewake.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import io.litewake.testing.Dbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import io.litewake.internal.Replicas;
import io.litewake.spi.Replica;
import io.litewake.testsupport.Await;
import io.litewake.testsupport.Litestream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Fixtures and helpers of the interop tests: the binary, workloads, waits, listings. */
abstract class InteropBase {
  static final Duration LITESTREAM_LAG = Duration.ofSeconds(20);

  @TempDir Path dir;
  Path bin;
  Litestream litestream;
  private final List<Replica> opened = new ArrayList<>();

  /** A fresh, empty replica location for one test. */
  abstract ReplicaTarget newTarget(Path dir, String name);

  @BeforeEach
  void binary() throws Exception {
    try {
      bin = Litestream.binary();
    } catch (Litestream.Unavailable e) {
      assumeTrue(false, e.getMessage() + " The Litestream interop tests are skipped.");
    }
    litestream = new Litestream(bin, dir);
  }

  @AfterEach
  void closeReplicas() {
    opened.forEach(Replica::close);
  }

  /**
   * One replica client for the whole test (opening an S3 client per restore costs seconds);
   * {@code Restore.from(URI)} is exercised by each test's first restore.
   */
  Replica replica(ReplicaTarget target) {
    Replica r = Replicas.open(target.litewakeUri());
    opened.add(r);
    return r;
  }

  // ------------------------------------------------------------------ helpers

  private static final String KV = "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v INTEGER, note TEXT)";

  static void seed(Path db) throws Exception {
    try (Connection c = Dbs.create(db)) {
      Dbs.exec(c, KV);
      Dbs.insert(c, 0, 200, 400);
      for (int i = 0; i < 50; i++) {
        Dbs.exec(c, "INSERT INTO kv VALUES ('k" + i + "', " + i + ", 'seed')");
      }
    }
  }

  /** One transaction: rows inserted, some updated and deleted. */
  static void write(Connection c, int writer, int rows) throws Exception {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    c.setAutoCommit(false);
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO t (writer, seq, payload) VALUES (?, ?, randomblob(?))");
        PreparedStatement kv = c.prepareStatement(
            "INSERT INTO kv VALUES (?, 1, ?) ON CONFLICT (k) DO UPDATE SET v = v + 1, note = excluded.note")) {
      for (int i = 0; i < rows; i++) {
        ins.setInt(1, writer);
        ins.setInt(2, i);
        ins.setInt(3, 100 + rnd.nextInt(900));
        ins.executeUpdate();
      }
      for (int i = 0; i < 5; i++) {
        kv.setString(1, "k" + rnd.nextInt(80));
        kv.setString(2, "w" + writer + "-" + rnd.nextInt(1_000_000));
        kv.executeUpdate();
      }
      Dbs.exec(c, "DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY random() LIMIT " + rnd.nextInt(5) + ")");
      c.commit();
    } catch (Exception e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  static void write(Path db, int writer, int rows) throws Exception {
    try (Connection c = Dbs.open(db)) {
      write(c, writer, rows);
    }
  }

  /** {@code writers} threads, each on its own connection, writing small transactions for {@code d}. */
  static void busy(Path db, int writers, Duration d) throws Exception {
    long end = System.nanoTime() + d.toNanos();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int w = 1; w <= writers; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        try (Connection c = Dbs.open(db)) {
          while (System.nanoTime() < end) {
            write(c, writer, 5 + ThreadLocalRandom.current().nextInt(20));
            Thread.sleep(ThreadLocalRandom.current().nextInt(15));
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      }, "writer-" + w);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      AssertionError e = new AssertionError("writer failed: " + errors.get(0), errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  static void checkpoint(Connection c, String mode) throws Exception {
    try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      rs.next();
    }
  }

  /** The dump without Litestream's own tables (they are data Litestream writes at any time). */
  static List<String> userTables(List<String> dump) {
    return dump.stream().filter(l -> !l.contains("_litestream_")).collect(Collectors.toList());
  }

  /** Waits until a Litewake restore of the replica shows {@code userState}; fails if Litestream exits. */
  void awaitRestorable(Replica replica, List<String> userState, Litestream.Replicating ls) throws Exception {
    Path probe = dir.resolve("probe.db");
    String[] last = {"none"};
    Await.atMost(LITESTREAM_LAG).pollEvery(Duration.ofMillis(200))
        .orElseReport(() -> "last restore: " + last[0] + "\nlitestream log:\n" + ls.log())
        .until("Litestream's replica reaches the written state", () -> {
          if (!ls.process().isAlive()) {
            return true; // reported below
          }
          Files.deleteIfExists(probe);
          RestoreResult r = Restore.from(replica).to(probe).ifReplicaExists().run();
          if (!r.restored()) {
            last[0] = "nothing to restore";
            return false;
          }
          List<String> got = userTables(Dbs.dump(probe));
          last[0] = got.size() + " rows";
          return got.equals(userState);
        });
    ls.assertAlive();
    Files.deleteIfExists(probe);
  }

  /** key -> size@timestamp of every object in the listing. */
  static Map<String, String> objects(ReplicaContents c) {
    Map<String, String> m = new TreeMap<>();
    for (Generation g : c.generations()) {
      for (Snapshot s : g.snapshots()) {
        m.put(s.key(), s.size() + "@" + s.createdAt());
      }
      for (WalSegment w : g.walSegments()) {
        m.put(w.key(), w.size() + "@" + w.createdAt());
      }
    }
    return m;
  }

  static String describe(ReplicaContents c) {
    return c.generations().stream().map(InteropScenarios::describe).collect(Collectors.joining("; "));
  }

  static String describe(Generation g) {
    Set<Long> idx = new java.util.TreeSet<>();
    g.walSegments().forEach(w -> idx.add(w.index()));
    return g.id() + ": snapshots at " + g.snapshots().stream().map(s -> Long.toString(s.index())).toList()
        + ", WAL indexes " + idx + " (" + g.walSegments().size() + " segments)";
  }
}
