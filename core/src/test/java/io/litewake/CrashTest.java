package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.ChildJvm;
import io.litewake.testing.CrashWriter;
import io.litewake.testing.Dbs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash loop: a child JVM writes while replicating and is killed with SIGKILL at a random
 * moment (while starting, snapshotting, writing or syncing), over and over. Every transaction
 * acknowledged by sync() restores, and starting again on the crashed database catches up.
 */
class CrashTest {
  static final int ROUNDS = 20;
  @TempDir Path dir;

  /** Runs the writer from id {@code start}, kills it after {@code killAfterMs}; returns the last ack or -1. */
  static int runAndKill(Path db, URI uri, int start, long killAfterMs) throws Exception {
    Process p = ChildJvm.start(CrashWriter.class, db.toString(), uri.toString(), Integer.toString(start));
    AtomicInteger last = new AtomicInteger(-1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("ACK ")) {
            last.set(Integer.parseInt(line.substring(4)));
          }
        }
      } catch (Exception e) {
        // the process died
      }
    });
    reader.start();
    Thread.sleep(killAfterMs);
    int acked = last.get(); // everything acknowledged before the kill signal
    p.destroyForcibly(); // SIGKILL on Linux
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(10_000);
    return acked;
  }

  @Test
  void everyAcknowledgedTransactionSurvivesAKillLoop() throws Exception {
    Path db = dir.resolve("crash.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Random random = new Random(20261121);
    int verified = 0;
    long rowsVerified = 0;
    for (int round = 0; round < ROUNDS; round++) {
      int first = round * 1_000_000 + 1;
      int acked = runAndKill(db, uri, first, 700 + random.nextInt(1800));
      if (acked < 0) {
        continue; // killed before the first acknowledgement: nothing was promised
      }
      Path out = dir.resolve("restored-" + round + ".db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.scalar(out, "SELECT count(*) FROM n WHERE id BETWEEN " + first + " AND " + acked))
          .as("round %d: every row up to the last acknowledged id %d", round, acked).isEqualTo(acked - first + 1);
      assertThat(Dbs.integrity(out)).isEqualTo("ok");
      Files.delete(out);
      verified++;
      rowsVerified += acked - first + 1;
      // (the crashed database is not opened here: a last connection closing would checkpoint and
      // remove the crashed WAL, which is part of what the next round must cope with)
    }
    assertThat(verified).as("rounds with acknowledged writes").isGreaterThanOrEqualTo(ROUNDS / 2);
    String before = Restore.from(uri).list().latest().orElseThrow().id();
    try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(100)).start()) {
      assertThat(r.status().position().generation()).as("continuity after a crash is proven from the WAL").isEqualTo(before);
      r.sync();
    }
    Path level = dir.resolve("level.db");
    Restore.from(uri).to(level).run();
    assertThat(Dbs.dump(level)).isEqualTo(Dbs.dump(db));
    System.out.printf("crash loop: %d rounds, %d verified, %d acknowledged rows verified%n", ROUNDS, verified, rowsVerified);
  }

  @Test
  void aCrashRightAfterTheApplicationRestartedACompleteWalContinuesTheGeneration() throws Exception {
    Path db = dir.resolve("restart.db");
    URI uri = Files.createDirectories(dir.resolve("restart-replica")).toUri();
    java.util.List<String> out = io.litewake.testing.ChildJvm.run(io.litewake.testing.RestartCrashChild.class,
        db.toString(), uri.toString());
    assertThat(out).contains("COMMITTED");
    String before = Restore.from(uri).list().latest().orElseThrow().id();
    try (Replicator r = Replicator.of(db).to(uri).start()) {
      assertThat(r.status().position().generation()).as("one restart after a complete copy is provable")
          .isEqualTo(before);
      assertThat(r.status().position().index()).isPositive();
      r.sync();
    }
    Path restored = dir.resolve("restart-restored.db");
    Restore.from(uri).to(restored).run();
    assertThat(Dbs.dump(restored)).isEqualTo(Dbs.dump(db));
    assertThat(Dbs.scalar(restored, "SELECT count(*) FROM t WHERE writer = 2")).isEqualTo(1L);
  }
}
