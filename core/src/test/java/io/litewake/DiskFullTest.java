package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, made real: a 4 MiB tmpfs mounted for the test (root only, as CI runs here). While
 * spooling: a clean error, nothing lost, replication resumes once there is room. While
 * restoring: a clean error and nothing at the output path.
 */
class DiskFullTest {
  @TempDir Path dir;
  private Path small;

  private void mountSmall() throws Exception {
    small = Files.createDirectories(dir.resolve("small"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    assumeTrue(ok, "mounting a small tmpfs needs root (CAP_SYS_ADMIN); mount said: " + out);
  }

  @AfterEach
  void unmount() throws Exception {
    if (small != null) {
      new ProcessBuilder("umount", "-l", small.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void fullSpoolDiskLosesNothing() throws Exception {
    mountSmall();
    Path db = dir.resolve("full.db");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    URI uri = replica.toUri();
    try (Connection app = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(uri).spoolDirectory(small.resolve("spool"))
          .syncInterval(Duration.ofMillis(50)).closeTimeout(Duration.ofSeconds(30)).start();
      try {
        Dbs.insert(app, 1, 20, 100);
        r.sync();
        // the store is away: the spool fills the 4 MiB disk (random data does not compress)
        Files.move(replica, dir.resolve("replica-away"));
        Files.writeString(replica, "not a directory");
        for (int i = 0; i < 12; i++) {
          Dbs.insert(app, 2, 100, 4000); // ~0.4 MB per transaction
          Thread.sleep(60);
        }
        assertThatThrownBy(() -> r.sync(Duration.ofSeconds(2)))
            .isInstanceOf(LitewakeException.class)
            .satisfies(e -> assertThat(e.toString() + e.getCause()).containsAnyOf("No space left", "timed out"));
        // the store comes back: the spool drains, there is room again, replication catches up
        Files.delete(replica);
        Files.move(dir.resolve("replica-away"), replica);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
          try {
            r.sync(Duration.ofSeconds(5));
            break;
          } catch (LitewakeException e) {
            if (System.nanoTime() > deadline) {
              throw e;
            }
          }
        }
      } finally {
        r.close();
      }
      Path out = dir.resolve("restored.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
    }
  }

  @Test
  void fullDiskWhileRestoringLeavesNothing() throws Exception {
    mountSmall();
    Path db = dir.resolve("big.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    try (Connection app = Dbs.create(db); Replicator r = Replicator.of(db).to(uri).start()) {
      Dbs.insert(app, 1, 2000, 4000); // ~8 MB: more than the 4 MiB disk
      r.sync();
    }
    Path out = small.resolve("restored.db");
    assertThatThrownBy(() -> Restore.from(uri).to(out).run())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("No space left")
        .as("a full disk is not damage in the replica").isNotInstanceOf(ReplicaDamagedException.class);
    assertThat(out).doesNotExist();
    try (var files = Files.list(small)) {
      assertThat(files.toList()).as("temporary files removed").isEmpty();
    }
  }
}
