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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Replicator#status()}, the listener and the typed exceptions, as an operator uses them. */
class StatusTest {
  @TempDir Path dir;

  @Test
  void positionAdvancesLagGrowsDuringAnOutageAndReturnsToZero() throws Exception {
    Path db = dir.resolve("status.db");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    List<String> events = new CopyOnWriteArrayList<>();
    ReplicationListener listener = new ReplicationListener() {
      @Override
      public void uploaded(String location, String key, long bytes, boolean snapshot) {
        events.add((snapshot ? "snapshot " : "wal ") + key);
      }

      @Override
      public void uploadFailed(String location, String key, boolean snapshot, Exception error, int failures) {
        events.add("failed " + key);
      }

      @Override
      public void generationStarted(String generation, String reason) {
        events.add("generation " + generation + " " + reason);
      }
    };
    try (Connection app = Dbs.create(db);
        Replicator r = Replicator.of(db).to(replica.toUri()).syncInterval(Duration.ofMillis(50))
            .listener(listener).start()) {
      Dbs.insert(app, 1, 20, 100);
      r.sync();
      ReplicationStatus level = r.status();
      assertThat(level.database()).isEqualTo("status.db");
      assertThat(level.lag()).isEqualTo(Duration.ZERO);
      assertThat(level.pendingBytes()).isZero();
      assertThat(level.fenced()).isFalse();
      assertThat(level.replicas()).hasSize(1);
      ReplicaStatus rs = level.replicas().get(0);
      assertThat(rs.location()).isEqualTo(replica.toUri().toString().replaceAll("/$", ""));
      assertThat(rs.replicatedPosition()).contains(level.position());
      assertThat(rs.lastUploadAt()).isPresent();
      assertThat(rs.lastError()).isEmpty();
      assertThat(level.position().toString()).matches("[0-9a-f]{16}/[0-9a-f]{8}/[0-9a-f]{8}");
      assertThat(events).anyMatch(e -> e.startsWith("generation " + level.position().generation()));
      assertThat(events).anyMatch(e -> e.startsWith("snapshot "));

      Dbs.insert(app, 2, 20, 100);
      r.sync();
      Position after = r.status().position();
      assertThat(after.generation()).isEqualTo(level.position().generation());
      assertThat(after.index() > level.position().index() || after.offset() > level.position().offset())
          .as("position advanced from %s to %s", level.position(), after).isTrue();

      // outage: the replica directory is replaced by a file
      Files.move(replica, dir.resolve("away"));
      Files.writeString(replica, "not a directory");
      Dbs.insert(app, 3, 20, 100);
      Await.until(Duration.ofSeconds(10), "lag grows during the outage",
          () -> r.status().lag().compareTo(Duration.ofMillis(500)) > 0);
      ReplicationStatus down = r.status();
      assertThat(down.pendingBytes()).isPositive();
      assertThat(down.replicas().get(0).lastError()).isPresent();
      assertThat(down.replicas().get(0).pendingBytes()).isEqualTo(down.pendingBytes());
      assertThatThrownBy(() -> r.sync(Duration.ofMillis(300)))
          .isInstanceOf(SyncTimeoutException.class)
          .hasMessageContaining("not yet in " + level.replicas().get(0).location());
      assertThat(events).anyMatch(e -> e.startsWith("failed "));

      Files.delete(replica);
      Files.move(dir.resolve("away"), replica);
      r.sync(Duration.ofSeconds(30));
      Await.until(Duration.ofSeconds(10), "lag back to zero", () -> r.status().lag().isZero());
      assertThat(r.status().pendingBytes()).isZero();
      assertThat(r.status().replicas().get(0).lastError()).isEmpty();
      Path out = dir.resolve("restored.db");
      Restore.from(replica.toUri()).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
    }
  }

  @Test
  void fencedTurnsTrueWhenASecondWriterTakesOverAndSyncThrowsFencedException() throws Exception {
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Path blueDb = dir.resolve("blue/app.db");
    Path greenDb = dir.resolve("green/app.db");
    Files.createDirectories(blueDb.getParent());
    Files.createDirectories(greenDb.getParent());
    List<String> fenced = new CopyOnWriteArrayList<>();
    try (Connection blue = Dbs.create(blueDb);
        Replicator b = Replicator.of(blueDb).to(uri).syncInterval(Duration.ofMillis(50))
            .fencingCheckInterval(Duration.ofMillis(100)).listener(new ReplicationListener() {
              @Override
              public void fenced(String replica, String reason) {
                fenced.add(reason);
              }
            }).start()) {
      Dbs.insert(blue, 1, 10, 100);
      b.sync();
      Restore.from(uri).to(greenDb).run();
      try (Connection green = Dbs.open(greenDb);
          Replicator g = Replicator.of(greenDb).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
        Dbs.insert(green, 2, 10, 100);
        g.sync();
        assertThat(b.status().fenced()).isFalse();
        Await.until(Duration.ofSeconds(20), "blue sees green's claim", () -> {
          try {
            Dbs.insert(blue, 3, 1, 10);
          } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
          }
          return b.status().fenced();
        });
        assertThat(b.status().replicas().get(0).fenced()).isTrue();
        assertThat(g.status().fenced()).isFalse();
        assertThat(fenced).singleElement().asString().contains(g.status().position().generation());
        assertThatThrownBy(b::sync).isInstanceOf(FencedException.class)
            .hasMessageContaining(g.status().position().generation());
      }
    }
  }
}
