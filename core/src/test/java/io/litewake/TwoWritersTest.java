package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers on one replica, as in a blue/green deploy: blue replicates; green restores and
 * starts replicating the same prefix. Green takes over; blue is fenced (stops uploading, sync()
 * fails) and, restarted, refuses to continue its older generation. Never two live histories.
 */
class TwoWritersTest {
  @TempDir Path dir;

  private Replicator start(Path db, URI uri) {
    return Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50))
        .fencingCheckInterval(Duration.ofMillis(100)).closeTimeout(Duration.ofSeconds(2)).start();
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else if (!p.getFileName().toString().equals("lock")) {
          Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void aClonedVolumeCannotOverwriteTheHistory() throws Exception {
    URI uri = Files.createDirectories(dir.resolve("replica-clone")).toUri();
    Path a = Files.createDirectories(dir.resolve("a")).resolve("app.db");
    Path b = dir.resolve("b/app.db");
    try (Connection ca = Dbs.create(a)) {
      try (Replicator r = start(a, uri)) {
        Dbs.insert(ca, 1, 20, 100);
        r.sync();
      }
      // the whole data directory is cloned (database, WAL, spool) while the application has it
      // open: both copies continue one generation
      copyTree(a.getParent(), b.getParent());
      try (Connection cb = Dbs.open(b); Replicator ra = start(a, uri); Replicator rb = start(b, uri)) {
      assertThat(ra.status().position().generation()).isEqualTo(rb.status().position().generation());
      Dbs.insert(ca, 2, 20, 100);
      ra.sync();
      Dbs.insert(cb, 3, 30, 100); // different bytes at the same WAL offset
      assertThatThrownBy(() -> {
        for (int i = 0; i < 50; i++) {
          Dbs.insert(cb, 4, 1, 10);
          rb.sync(Duration.ofSeconds(5));
          Thread.sleep(50);
        }
      }).isInstanceOf(LitewakeException.class).hasMessageContaining("fenced");
        Path out = dir.resolve("clone-restored.db");
        Restore.from(uri).to(out).run();
        assertThat(Dbs.dump(out)).as("the replica holds a's history, untouched by b").isEqualTo(Dbs.dump(ca));
      }
    }
  }

  @Test
  void theLaterWriterTakesOverAndTheEarlierOneIsFenced() throws Exception {
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Path blueDb = dir.resolve("blue/app.db");
    Path greenDb = dir.resolve("green/app.db");
    Files.createDirectories(blueDb.getParent());
    Files.createDirectories(greenDb.getParent());
    try (Connection blue = Dbs.create(blueDb)) {
      Replicator blueReplicator = start(blueDb, uri);
      Dbs.insert(blue, 1, 50, 100);
      blueReplicator.sync();
      String blueGen = blueReplicator.status().position().generation();

      // green: restore on boot, then replicate the same prefix
      Restore.from(uri).to(greenDb).run();
      try (Connection green = Dbs.open(greenDb); Replicator greenReplicator = start(greenDb, uri)) {
        assertThat(greenReplicator.status().position().generation()).isNotEqualTo(blueGen);
        Dbs.insert(green, 2, 50, 100);
        greenReplicator.sync();

        // blue keeps writing: it finds the claim of green and is fenced
        Dbs.insert(blue, 3, 50, 100);
        assertThatThrownBy(() -> {
          for (int i = 0; i < 50; i++) {
            Dbs.insert(blue, 4, 1, 10);
            blueReplicator.sync(Duration.ofSeconds(5));
            Thread.sleep(50);
          }
        }).isInstanceOf(LitewakeException.class).hasMessageContaining("fenced").hasMessageContaining(greenReplicator.status().position().generation());
        blueReplicator.close();

        // restarted, blue refuses to continue its older generation
        assertThatThrownBy(() -> start(blueDb, uri))
            .isInstanceOf(LitewakeException.class)
            .hasMessageContaining("another replicator took over")
            .hasMessageContaining(blueGen);

        Dbs.insert(green, 5, 10, 100);
        greenReplicator.sync();
        Path out = dir.resolve("restored.db");
        Restore.from(uri).to(out).run();
        assertThat(Dbs.dump(out)).as("the replica follows green only").isEqualTo(Dbs.dump(green));
      }
    }
  }
}
