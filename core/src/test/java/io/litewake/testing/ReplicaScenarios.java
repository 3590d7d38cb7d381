package io.litewake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Generation;
import io.litewake.LitewakeException;
import io.litewake.ReplicaContents;
import io.litewake.ReplicaDamagedException;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.WalSegment;
import io.litewake.internal.Replicas;
import io.litewake.spi.Replica;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The replication scenarios every replica kind must pass, on real databases. Subclasses give a
 * fresh replica URI per call (file, S3 servers, ...).
 */
public abstract class ReplicaScenarios {
  /** A temporary directory for databases. */
  @TempDir protected Path dir;

  /** A fresh, empty replica location for each call. */
  protected abstract URI replicaUri(String name) throws Exception;

  /** The resolution of the store's object timestamps (S3: one second). */
  protected Duration timestampGranularity() {
    return Duration.ofMillis(50);
  }

  /** Common replicator settings for the scenarios. */
  protected Replicator.Builder configure(Replicator.Builder b) {
    return b.syncInterval(Duration.ofMillis(200));
  }

  protected RestoreResult restore(URI uri, Path out) {
    return Restore.from(uri).to(out).run();
  }

  @Test
  void busyDatabaseRoundTrip() throws Exception {
    Path db = dir.resolve("busy.db");
    URI uri = replicaUri("busy");
    try (Connection app = Dbs.create(db)) {
      Dbs.insert(app, 0, 2000, 300);
      SQLiteDataSource ds = new SQLiteDataSource();
      ds.setUrl("jdbc:sqlite:" + db);
      try (Replicator r = configure(Replicator.of(ds)).to(uri).minCheckpointPages(200).maxCheckpointPages(1500).start()) {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 1; w <= 4; w++) {
          int id = w;
          writers.add(pool.submit(() -> {
            int txns = 0;
            try (Connection c = Dbs.open(db)) {
              // bounded: a slow store must not turn the scenario into an outage test
              while ((!stop.get() || txns < 50) && txns < 1500) {
                Dbs.insert(c, id, 1 + txns % 5, 100 + (txns * 37) % 900);
                txns++;
                if (txns % 40 == 0) {
                  Dbs.exec(c, "UPDATE t SET seq = seq + 1 WHERE writer = " + id + " AND id % 7 = 0");
                }
              }
            }
            return txns;
          }));
        }
        try (Connection ck = Dbs.open(db)) {
          Dbs.exec(ck, "PRAGMA busy_timeout=200");
          for (int round = 0; round < 6; round++) {
            Thread.sleep(150);
            Dbs.exec(ck, "PRAGMA wal_checkpoint(PASSIVE)");
            Thread.sleep(150);
            Dbs.exec(ck, "PRAGMA wal_checkpoint(TRUNCATE)");
            if (round == 1) {
              Dbs.exec(app, "DELETE FROM t WHERE writer = 0 AND id % 3 != 0");
            }
            if (round == 2) {
              Dbs.insert(app, 9, 4096, 4096); // a 16 MB transaction
            }
            if (round == 3) {
              Dbs.exec(app, "VACUUM");
            }
            if (round == 4) {
              r.sync();
            }
          }
        }
        stop.set(true);
        int total = 0;
        for (Future<Integer> f : writers) {
          total += f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(total).isGreaterThan(200);
        r.sync();
        Path out = dir.resolve("busy-restored.db");
        RestoreResult res = restore(uri, out);
        assertThat(res.restored()).isTrue();
        assertThat(Dbs.integrity(out)).isEqualTo("ok");
        assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
        assertThat(Dbs.scalar(out, "SELECT count(*) FROM t WHERE writer = 9")).isEqualTo(4096);
      }
    }
  }

  @Test
  void pointInTimeRestoreReturnsExactlyThatState() throws Exception {
    Path db = dir.resolve("pit.db");
    URI uri = replicaUri("pit");
    Duration g = timestampGranularity();
    try (Connection app = Dbs.create(db); Replicator r = configure(Replicator.of(db)).to(uri).start()) {
      Dbs.insert(app, 1, 100, 50);
      r.sync();
      List<String> stateA = Dbs.dump(app);
      Thread.sleep(g.toMillis() + 20);
      Instant t = Instant.now();
      Thread.sleep(g.toMillis() + 20);
      Dbs.insert(app, 2, 100, 50);
      Dbs.exec(app, "DELETE FROM t WHERE writer = 1 AND seq < 10");
      r.sync();
      Path atT = dir.resolve("pit-at.db");
      RestoreResult res = Restore.from(uri).to(atT).at(t).run();
      assertThat(res.pointInTime()).hasValueSatisfying(p -> assertThat(p).isBeforeOrEqualTo(t));
      assertThat(Dbs.dump(atT)).isEqualTo(stateA);
      Path latest = dir.resolve("pit-latest.db");
      restore(uri, latest);
      assertThat(Dbs.dump(latest)).isEqualTo(Dbs.dump(app));
      assertThat(Dbs.dump(latest)).isNotEqualTo(stateA);
    }
  }

  @Test
  void restartContinuesAndExternalTruncateStartsNewGeneration() throws Exception {
    Path db = dir.resolve("restart.db");
    URI uri = replicaUri("restart");
    try (Connection app = Dbs.create(db)) {
      String first;
      try (Replicator r = configure(Replicator.of(db)).to(uri).start()) {
        Dbs.insert(app, 1, 200, 100);
        r.sync();
        first = r.status().position().generation();
      }
      Dbs.insert(app, 2, 50, 100); // written while stopped, same WAL
      try (Replicator r = configure(Replicator.of(db)).to(uri).start()) {
        assertThat(r.status().position().generation()).as("restart continues the generation").isEqualTo(first);
        Dbs.insert(app, 3, 50, 100);
        r.sync();
      }
      Path out1 = dir.resolve("restart-1.db");
      restore(uri, out1);
      assertThat(Dbs.dump(out1)).isEqualTo(Dbs.dump(app));

      // while stopped, the application checkpoints and truncates the WAL, then writes again
      Dbs.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.size(Path.of(db + "-wal"))).isZero();
      Dbs.insert(app, 4, 30, 100);
      try (Replicator r = configure(Replicator.of(db)).to(uri).start()) {
        assertThat(r.status().position().generation()).as("a reset WAL cannot be proven continuous").isNotEqualTo(first);
        Dbs.insert(app, 5, 30, 100);
        r.sync();
      }
      Path out2 = dir.resolve("restart-2.db");
      restore(uri, out2);
      assertThat(Dbs.dump(out2)).isEqualTo(Dbs.dump(app));
      assertThat(Dbs.integrity(out2)).isEqualTo("ok");
    }
  }

  /** Replicates three transactions in separate segments; returns the replica's contents. */
  private ReplicaContents threeSegments(Path db, URI uri) throws Exception {
    try (Connection app = Dbs.create(db); Replicator r = configure(Replicator.of(db)).to(uri).start()) {
      for (int i = 0; i < 3; i++) {
        Dbs.insert(app, i, 20, 100);
        r.sync();
      }
    }
    return Restore.from(uri).list();
  }

  @Test
  void damagedSegmentFailsNamingItAndLeavesNoFile() throws Exception {
    Path db = dir.resolve("damaged.db");
    URI uri = replicaUri("damaged");
    Generation g = threeSegments(db, uri).latest().orElseThrow();
    WalSegment victim = g.walSegments().get(g.walSegments().size() - 1);
    try (Replica raw = Replicas.open(uri)) {
      byte[] bytes;
      try (InputStream in = raw.open(victim.key())) {
        bytes = in.readAllBytes();
      }
      bytes[bytes.length / 2] ^= 0x5a;
      Path tmp = Files.createTempFile(dir, "damaged", ".obj");
      Files.write(tmp, bytes);
      raw.put(victim.key(), tmp);
    }
    Path out = dir.resolve("out-damaged.db");
    assertThatThrownBy(() -> restore(uri, out))
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining(victim.key())
        .satisfies(e -> assertDamaged(e, victim.key()));
    assertNothingAt(out);
  }

  @Test
  void missingSegmentFailsNamingItAndLeavesNoFile() throws Exception {
    Path db = dir.resolve("missing.db");
    URI uri = replicaUri("missing");
    Generation g = threeSegments(db, uri).latest().orElseThrow();
    assertThat(g.walSegments()).hasSizeGreaterThanOrEqualTo(3);
    WalSegment victim = g.walSegments().get(1);
    try (Replica raw = Replicas.open(uri)) {
      raw.delete(List.of(victim.key()));
    }
    Path out = dir.resolve("out-missing.db");
    assertThatThrownBy(() -> restore(uri, out))
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining(victim.key())
        .hasMessageContaining("missing")
        .satisfies(e -> assertDamaged(e, victim.key()));
    assertNothingAt(out);
  }

  private static void rewrite(Replica raw, String key, java.util.function.UnaryOperator<byte[]> change, Path tmpDir)
      throws IOException {
    byte[] bytes;
    try (InputStream in = raw.open(key)) {
      bytes = in.readAllBytes();
    }
    Path tmp = Files.createTempFile(tmpDir, "rewrite", ".obj");
    Files.write(tmp, change.apply(bytes));
    raw.put(key, tmp);
  }

  @Test
  void truncatedObjectsMissingSnapshotAndJunkObjects() throws Exception {
    Path db = dir.resolve("junk.db");
    URI uri = replicaUri("junk");
    ReplicaContents contents = threeSegments(db, uri);
    Generation g = contents.latest().orElseThrow();
    List<String> source = Dbs.dump(db);
    try (Replica raw = Replicas.open(uri)) {
      // junk and foreign objects under the prefix are listed as ignored and do not disturb restores
      Path junk = Files.createTempFile(dir, "junk", ".txt");
      Files.writeString(junk, "not ours");
      raw.put("generations/README.txt", junk);
      raw.put("generations/" + g.id() + "/wal/notes.wal.zst", junk);
      raw.put("generations/zzzz/snapshots/00000000.snapshot.zst", junk);
      raw.put("other-tool/backup.bin", junk);
      ReplicaContents listed = Restore.from(uri).list();
      assertThat(listed.ignoredKeys()).contains("generations/README.txt", "generations/" + g.id() + "/wal/notes.wal.zst",
          "generations/zzzz/snapshots/00000000.snapshot.zst");
      assertThat(listed.generations()).hasSize(1);
      Path ok = dir.resolve("junk-ok.db");
      restore(uri, ok);
      assertThat(Dbs.dump(ok)).isEqualTo(source);

      // a truncated WAL segment
      WalSegment last = g.walSegments().get(g.walSegments().size() - 1);
      rewrite(raw, last.key(), b -> java.util.Arrays.copyOf(b, b.length / 2), dir);
      Path out = dir.resolve("junk-truncated.db");
      assertThatThrownBy(() -> restore(uri, out)).isInstanceOf(LitewakeException.class).hasMessageContaining(last.key())
          .satisfies(e -> assertDamaged(e, last.key()));
      assertNothingAt(out);
      // a missing snapshot
      raw.delete(g.snapshots().stream().map(io.litewake.Snapshot::key).toList());
      Path none = dir.resolve("junk-nosnap.db");
      assertThatThrownBy(() -> restore(uri, none)).isInstanceOf(LitewakeException.class)
          .hasMessageContaining("no snapshot")
          .satisfies(e -> assertDamaged(e, "generations/" + g.id() + "/snapshots/"));
      assertNothingAt(none);
    }
  }

  /** Asserts that {@code e} is a {@link ReplicaDamagedException} naming {@code key}. */
  protected static void assertDamaged(Throwable e, String key) {
    assertThat(e).isInstanceOf(ReplicaDamagedException.class);
    assertThat(((ReplicaDamagedException) e).key()).isEqualTo(key);
  }

  protected void assertNothingAt(Path out) throws IOException {
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(out.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("." + out.getFileName()) || n.startsWith(out.getFileName() + "-"));
    }
  }
}
