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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the writing JVM: nothing acknowledged by sync() is lost, and a restart catches up. */
class CrashTest {
  @TempDir Path dir;

  /** Runs the writer until it acknowledged {@code acks} syncs, then SIGKILLs it; returns the last ack. */
  static int runAndKill(Path db, URI uri, int start, int acks) throws Exception {
    Process p = ChildJvm.start(CrashWriter.class, db.toString(), uri.toString(), Integer.toString(start));
    int last = -1;
    int seen = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("ACK ")) {
          last = Integer.parseInt(line.substring(4));
          if (++seen >= acks) {
            break;
          }
        }
      }
      p.destroyForcibly(); // SIGKILL on Linux
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(last).as("the writer acknowledged syncs").isPositive();
    return last;
  }

  @Test
  void everyAcknowledgedTransactionSurvivesKillDashNine() throws Exception {
    Path db = dir.resolve("crash.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Random random = new Random(7);
    int next = 1;
    for (int round = 0; round < 3; round++) {
      int acked = runAndKill(db, uri, next, 5 + random.nextInt(30));
      Path out = dir.resolve("restored-" + round + ".db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.scalar(out, "SELECT count(*) FROM n WHERE id >= " + next + " AND id <= " + acked))
          .as("round %d: rows up to the last acknowledged id %d", round, acked).isEqualTo(acked - next + 1);
      assertThat(Dbs.integrity(out)).isEqualTo("ok");
      // ids of the next round start far above anything committed (the database itself is not
      // opened here: a last connection closing would checkpoint and remove the crashed WAL)
      next = (round + 1) * 1_000_000;
      assertThat(acked).isLessThan(next);
    }
    // starting again on the crashed database brings the replica level with it
    String before = Restore.from(uri).list().latest().orElseThrow().id();
    try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(100)).start()) {
      assertThat(r.generation()).as("continuity after a crash is proven from the WAL").isEqualTo(before);
      r.sync();
    }
    Path level = dir.resolve("level.db");
    Restore.from(uri).to(level).run();
    assertThat(Dbs.dump(level)).isEqualTo(Dbs.dump(db));
  }
}
