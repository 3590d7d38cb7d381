package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testing.Await;
import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store outage, made real: the replica directory is moved away and a plain file put in its
 * place, so every write to it fails in the file system.
 */
class OutageTest {
  @TempDir Path dir;

  private void outage(Path replica) throws Exception {
    Files.move(replica, dir.resolve("replica-away"));
    Files.writeString(replica, "not a directory");
  }

  private void recover(Path replica) throws Exception {
    Files.delete(replica);
    Files.move(dir.resolve("replica-away"), replica);
  }

  @Test
  void writesNeverWaitCloseIsBoundedRestartLosesNothingAndTheSpoolIsCapped() throws Exception {
    Path db = dir.resolve("outage.db");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    URI uri = replica.toUri();
    long limit = 256 * 1024;
    try (Connection app = Dbs.create(db)) {
      Replicator r = replicator(db, uri, limit).syncTimeout(Duration.ofSeconds(30)).start();
      Dbs.insert(app, 1, 100, 100);
      r.sync();
      String firstGen = r.status().position().generation();

      outage(replica);
      for (int i = 0; i < 20; i++) {
        Dbs.insert(app, 2, 20, 500); // the application keeps writing: nothing waits for the store
      }
      assertThatThrownBy(() -> r.sync(Duration.ofMillis(300)))
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("timed out")
          .hasMessageContaining("spool");
      long t0 = System.nanoTime();
      r.close(); // bounded by closeTimeout although the store is down
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

      // a restart in the middle of the outage: starts, keeps spooling
      try (Replicator again = replicator(db, uri, limit).start()) {
        assertThat(again.status().position().generation()).isEqualTo(firstGen);
        for (int i = 0; i < 60; i++) {
          Dbs.insert(app, 3, 20, 500); // far more WAL than the spool limit
          Thread.sleep(5);
        }
        Await.until(Duration.ofSeconds(10), "spool limit reached: new generation",
            () -> !again.status().position().generation().equals(firstGen));
        // bounded: the snapshot, the WAL as it was at the snapshot, and at most the limit after it
        long bound = limit + Files.size(db) + Files.size(Path.of(db + "-wal")) + 100_000;
        assertThat(again.status().pendingBytes()).as("spool stays bounded").isLessThan(bound);

        recover(replica);
        again.sync();
      }
      Path out = dir.resolve("restored.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
    }
  }

  @Test
  void restartDuringAnOutageKeepsEveryAcknowledgedAndPendingTransaction() throws Exception {
    Path db = dir.resolve("pending.db");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    URI uri = replica.toUri();
    try (Connection app = Dbs.create(db)) {
      try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50))
          .closeTimeout(Duration.ofMillis(300)).start()) {
        Dbs.insert(app, 1, 50, 100);
        r.sync();
        outage(replica);
        Dbs.insert(app, 2, 50, 100);
        Thread.sleep(300); // spooled, not uploaded
      }
      try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
        Dbs.insert(app, 3, 50, 100);
        recover(replica);
        r.sync();
      }
      Path out = dir.resolve("restored.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
    }
  }

  private static Replicator.Builder replicator(Path db, URI uri, long spoolLimit) {
    return Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50)).spoolLimit(spoolLimit)
        .closeTimeout(Duration.ofMillis(500));
  }

  private static void writePastTheLimit(Connection app, int writer) throws Exception {
    for (int i = 0; i < 40; i++) {
      Dbs.insert(app, writer, 20, 500); // about 1.6 MB of WAL
      Thread.sleep(5);
    }
  }

  private static String awaitNewGeneration(Replicator r, String old) throws Exception {
    Await.until(Duration.ofSeconds(10), "a new generation after " + old,
        () -> !r.status().position().generation().equals(old));
    return r.status().position().generation();
  }

  @Test
  void twoSpoolOverflowsInOneOutageEachStartOneGenerationAndTheRestoreIsExact() throws Exception {
    Path db = dir.resolve("twice.db");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    URI uri = replica.toUri();
    long limit = 256 * 1024;
    try (Connection app = Dbs.create(db); Replicator r = replicator(db, uri, limit).start()) {
      Dbs.insert(app, 1, 100, 100);
      r.sync();
      String first = r.status().position().generation();
      outage(replica);

      writePastTheLimit(app, 2);
      String second = awaitNewGeneration(r, first);
      assertThat(second).as("first overflow").isNotEqualTo(first);

      // a little more than nothing, well under the limit: the count starts over with the new
      // generation, so this must not overflow again
      Dbs.insert(app, 3, 20, 500);
      Thread.sleep(300);
      assertThat(r.status().position().generation()).as("no second overflow under the limit").isEqualTo(second);

      writePastTheLimit(app, 4);
      assertThat(awaitNewGeneration(r, second)).as("second overflow").isNotEqualTo(second);

      recover(replica);
      r.sync();
      Path out = dir.resolve("twice-restored.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
      assertThat(Dbs.integrity(out)).isEqualTo("ok");
    }
  }
}
