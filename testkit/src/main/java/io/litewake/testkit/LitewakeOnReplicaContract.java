package io.litewake.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.litewake.Generation;
import io.litewake.LitewakeException;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.WalSegment;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second half of {@link ReplicaContractTest}, which extends it: Litewake itself on the
 * replica — replicate, restart, restore, restore to a point in time, and a missing object named
 * by the restore — and what both halves stand on: the fresh replica of each test ({@link
 * #newReplica()}, closed after the test), the work directory and the timestamp granularity.
 * Extend {@link ReplicaContractTest}, not this class.
 */
public abstract class LitewakeOnReplicaContract {

  /** A temporary directory for source files, downloads and databases, one per test. */
  @TempDir protected Path workDir;

  private final List<Replica> opened = new ArrayList<>();

  /** For {@link ReplicaContractTest} only. */
  LitewakeOnReplicaContract() {}

  /**
   * A new replica at a location that is empty and that no other call returns. Called once or
   * more per test; each replica is closed after the test.
   *
   * @return the replica
   * @throws Exception if it cannot be created
   */
  protected abstract Replica newReplica() throws Exception;

  /**
   * The resolution of the store's object timestamps: uploads this far apart must get increasing
   * {@link StoredObject#lastModified()}. Default 1.1 s (S3's {@code LastModified} has whole
   * seconds).
   *
   * @return the pause between uploads whose order must show
   */
  protected Duration timestampGranularity() {
    return Duration.ofMillis(1100);
  }

  /** A replica from {@link #newReplica()}, checked and closed after the test. */
  final Replica fresh() throws Exception {
    Replica r = newReplica();
    assertNotNull(r, "newReplica() returned null");
    opened.add(r);
    return r;
  }

  /** Closes the replicas of the test. */
  @AfterEach
  void closeReplicas() {
    opened.forEach(Replica::close);
    opened.clear();
  }

  // ------------------------------------------------------------------ Litewake on the replica

  /**
   * Litewake replicates a database to the replica and restores it row for row; a restarted
   * replicator continues the generation.
   *
   * @throws Exception on failure
   */
  @Test
  void litewakeReplicatesRestartsAndRestores() throws Exception {
    Replica replica = fresh();
    Path db = workDir.resolve("app.db");
    try (Connection app = database(db)) {
      String generation;
      try (Replicator r = Replicator.of(db).to(replica).syncInterval(Duration.ofMillis(100)).start()) {
        insert(app, 1, 200);
        r.sync();
        generation = r.status().position().generation();
      }
      insert(app, 2, 50); // written while stopped, in the same WAL
      try (Replicator r = Replicator.of(db).to(replica).syncInterval(Duration.ofMillis(100)).start()) {
        assertEquals(generation, r.status().position().generation(), "a restart continues the generation");
        insert(app, 3, 50);
        r.sync();
      }
      Path out = workDir.resolve("restored.db");
      RestoreResult result = Restore.from(replica).to(out).run();
      assertTrue(result.restored());
      assertEquals(Optional.of(generation), result.generation());
      ReplicaTesting.assertSameData(db, out);
    }
  }

  /**
   * A restore at a point in time between two states yields exactly the earlier one.
   *
   * @throws Exception on failure
   */
  @Test
  void litewakeRestoresAPointInTime() throws Exception {
    Replica replica = fresh();
    Path db = workDir.resolve("pit.db");
    Duration g = timestampGranularity();
    try (Connection app = database(db);
        Replicator r = Replicator.of(db).to(replica).syncInterval(Duration.ofMillis(100)).start()) {
      insert(app, 1, 100);
      r.sync();
      Path earlier = workDir.resolve("earlier.db");
      Restore.from(replica).to(earlier).run();
      ReplicaTesting.assertSameData(db, earlier);
      Thread.sleep(g.toMillis() + 20);
      Instant t = Instant.now();
      Thread.sleep(g.toMillis() + 20);
      insert(app, 2, 100);
      exec(app, "DELETE FROM t WHERE writer = 1 AND seq < 10");
      r.sync();
      Path atT = workDir.resolve("at.db");
      RestoreResult res = Restore.from(replica).to(atT).at(t).run();
      assertFalse(res.pointInTime().orElseThrow().isAfter(t), "restored " + res.pointInTime() + ", after " + t);
      ReplicaTesting.assertSameData(earlier, atT);
      Path latest = workDir.resolve("latest.db");
      Restore.from(replica).to(latest).run();
      ReplicaTesting.assertSameData(db, latest);
      assertFalse(ReplicaTesting.differences(earlier, latest).isEmpty(), "the two states are the same");
    }
  }

  /**
   * A restore that misses a WAL segment fails naming it, and leaves nothing at the output path.
   *
   * @throws Exception on failure
   */
  @Test
  void litewakeNamesAMissingObjectAndWritesNothing() throws Exception {
    Replica replica = fresh();
    Path db = workDir.resolve("missing.db");
    try (Connection app = database(db);
        Replicator r = Replicator.of(db).to(replica).syncInterval(Duration.ofMillis(100)).start()) {
      for (int i = 0; i < 3; i++) {
        insert(app, i, 20);
        r.sync();
      }
    }
    Generation g = Restore.from(replica).list().latest().orElseThrow();
    if (g.walSegments().size() < 3) {
      fail("expected three WAL segments, the replica holds " + g.walSegments());
    }
    WalSegment victim = g.walSegments().get(1);
    replica.delete(List.of(victim.key()));
    Path out = workDir.resolve("out-missing.db");
    LitewakeException e = assertThrows(LitewakeException.class, () -> Restore.from(replica).to(out).run());
    assertContains(e.getMessage(), victim.key());
    assertContains(e.getMessage(), "missing");
    assertFalse(Files.exists(out), "a failed restore left " + out);
    try (Stream<Path> s = Files.list(workDir)) {
      List<String> partial = s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".out-missing.db") || n.startsWith("out-missing.db-")).toList();
      assertEquals(List.of(), partial, "a failed restore left partial files");
    }
  }

  // ------------------------------------------------------------------ helpers

  static void assertContains(String text, String part) {
    assertTrue(text != null && text.contains(part), "expected '" + part + "' in: " + text);
  }

  private static Connection database(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    exec(c, "PRAGMA journal_mode=WAL");
    exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, writer INT, seq INT, payload BLOB)");
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** One transaction of {@code rows} rows. */
  private static void insert(Connection c, int writer, int rows) throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement p = c.prepareStatement("INSERT INTO t (writer, seq, payload) VALUES (?, ?, randomblob(300))")) {
      for (int i = 0; i < rows; i++) {
        p.setInt(1, writer);
        p.setInt(2, i);
        p.executeUpdate();
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }
}
