package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails at once, names the problem and the fix, and changes nothing on disk. */
class BadInputTest {
  @TempDir Path dir;

  private List<String> listing() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p) + ":" + (Files.isRegularFile(p) ? size(p) : "d")).sorted().toList();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (Exception e) {
      return -1;
    }
  }

  private URI replica() throws Exception {
    return Files.createDirectories(dir.resolve("replica")).toUri();
  }

  @Test
  void databaseNotInWalMode() throws Exception {
    Path db = dir.resolve("rollback.db");
    try (Connection c = Dbs.open(db)) {
      Dbs.exec(c, "CREATE TABLE x (a)", "INSERT INTO x VALUES (1)");
    }
    URI uri = replica();
    byte[] before = Files.readAllBytes(db);
    List<String> files = listing();
    assertThatThrownBy(() -> Replicator.of(db).to(uri).start())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("cannot start replication of " + db)
        .hasMessageContaining("journal_mode=DELETE")
        .hasMessageContaining("PRAGMA journal_mode=WAL");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    assertThat(listing()).isEqualTo(files);
  }

  @Test
  void fileThatIsNotSqlite() throws Exception {
    Path db = dir.resolve("notes.txt");
    Files.writeString(db, "hello, this is not a database at all ".repeat(200));
    URI uri = replica();
    byte[] before = Files.readAllBytes(db);
    List<String> files = listing();
    assertThatThrownBy(() -> Replicator.of(db).to(uri).start())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining(db.toString())
        .hasMessageContaining("not a SQLite database");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    assertThat(listing()).isEqualTo(files);
  }

  @Test
  void missingDirectoryOrFile() throws Exception {
    URI uri = replica();
    List<String> files = listing();
    assertThatThrownBy(() -> Replicator.of(dir.resolve("nope/app.db")).to(uri).start())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("directory " + dir.resolve("nope") + " does not exist");
    assertThatThrownBy(() -> Replicator.of(dir.resolve("app.db")).to(uri).start())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("restore it first");
    assertThat(listing()).isEqualTo(files);
  }

  @Test
  void theRestoreCheckSaysHowToSkipItAndIsSetOnce() throws Exception {
    assertThatThrownBy(() -> Restore.from(replica()).integrityCheck((IntegrityCheck) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("integrityCheck must not be null: pass IntegrityCheck.NONE to skip the SQLite check");
    assertThatThrownBy(() -> Restore.from(replica()).integrityCheck(IntegrityCheck.QUICK).integrityCheck(IntegrityCheck.FULL))
        .isInstanceOf(IllegalStateException.class).hasMessage("integrityCheck was already set to QUICK; set it once");
  }

  @Test
  void durationsMustBePositiveAndOptionsSetOnce() throws Exception {
    Path db = dir.resolve("app.db");
    Replicator.Builder b = Replicator.of(db);
    assertThatThrownBy(() -> b.syncInterval(Duration.ofSeconds(-3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("syncInterval").hasMessageContaining("PT-3S");
    assertThatThrownBy(() -> b.snapshotInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotInterval").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.retention(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention").hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> b.minCheckpointPages(-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
    assertThatThrownBy(() -> b.retention(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("retention");
    b.syncInterval(Duration.ofSeconds(2));
    assertThatThrownBy(() -> b.syncInterval(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("syncInterval was already set to PT2S");
    b.to(URI.create("file:///tmp/a"));
    assertThatThrownBy(() -> b.to(URI.create("file:///tmp/b")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("file:///tmp/a");
    assertThatThrownBy(() -> Replicator.of(db).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("to(URI)");
    assertThatThrownBy(() -> Replicator.of(db).to(URI.create("file:///tmp/x")).minCheckpointPages(500).maxCheckpointPages(100).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("100").hasMessageContaining("500");
    assertThat(db).doesNotExist();
  }

  @Test
  void unknownUriScheme() throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = Dbs.create(db)) {
      List<String> files = listing();
      assertThatThrownBy(() -> Replicator.of(db).to(URI.create("s3://bucket/prefix?secret-access-key=hunter2")).start())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("io.litewake:litewake-s3")
          .hasMessageNotContaining("hunter2");
      assertThatThrownBy(() -> Replicator.of(db).to(URI.create("gopher://x/y")).start())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("unknown replica URI scheme 'gopher'")
          .hasMessageContaining("[file]");
      assertThatThrownBy(() -> Restore.from(URI.create("gopher://x/y")).to(dir.resolve("r.db")).run())
          .isInstanceOf(LitewakeException.class).hasMessageContaining("gopher");
      assertThatThrownBy(() -> Replicator.of(db).to(URI.create("no-scheme")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no scheme");
      assertThat(listing()).isEqualTo(files);
    }
  }

  @Test
  void restoreOntoAnExistingDatabaseNeedsOverwrite() throws Exception {
    Path db = dir.resolve("app.db");
    URI uri = replica();
    try (Connection c = Dbs.create(db); Replicator r = Replicator.of(db).to(uri).start()) {
      Dbs.insert(c, 1, 10, 10);
      r.sync();
    }
    Path existing = dir.resolve("existing.db");
    Files.writeString(existing, "precious");
    assertThatThrownBy(() -> Restore.from(uri).to(existing).run())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining(existing.toString())
        .hasMessageContaining("overwrite()")
        .hasMessageContaining("ifDatabaseMissing()");
    assertThat(Files.readString(existing)).isEqualTo("precious");

    RestoreResult skipped = Restore.from(uri).to(existing).ifDatabaseMissing().run();
    assertThat(skipped.restored()).isFalse();
    assertThat(skipped.skipped()).contains(RestoreResult.SkipReason.DATABASE_EXISTS);
    assertThat(skipped.generation()).isEmpty();
    assertThat(skipped.index()).isEmpty();
    assertThat(skipped.pointInTime()).isEmpty();
    assertThat(skipped).hasToString("RestoreResult[" + existing + ": skipped, the database exists (DATABASE_EXISTS)]");
    assertThat(Files.readString(existing)).isEqualTo("precious");

    Files.writeString(Path.of(existing + "-wal"), "stale");
    RestoreResult replaced = Restore.from(uri).to(existing).overwrite().run();
    assertThat(replaced.restored()).isTrue();
    assertThat(replaced.skipped()).isEmpty();
    assertThat(replaced.generation()).isPresent();
    assertThat(replaced.snapshotIndex()).isPresent();
    assertThat(replaced.databaseBytes()).hasValue(Files.size(existing));
    assertThat(Path.of(existing + "-wal")).doesNotExist();
    assertThat(Dbs.scalar(existing, "SELECT count(*) FROM t")).isEqualTo(10);

    assertThatThrownBy(() -> Restore.from(uri).to(existing).overwrite().ifDatabaseMissing().run())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("contradict");
    assertThatThrownBy(() -> Restore.from(uri).to(dir.resolve("missing-dir/x.db")).run())
        .isInstanceOf(LitewakeException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Restore.from(uri).generation("XYZ"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'XYZ'");
    assertThatThrownBy(() -> Restore.from(uri).index(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
  }

  @Test
  void secondReplicatorOfTheSameDatabaseIsRefused() throws Exception {
    Path db = dir.resolve("twice.db");
    URI uri = replica();
    try (Connection c = Dbs.create(db); Replicator r = Replicator.of(db).to(uri).start()) {
      Dbs.insert(c, 1, 10, 10);
      r.sync();
      assertThatThrownBy(() -> Replicator.of(db).to(uri).start())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("cannot start replication of " + db)
          .hasMessageContaining("already replicating");
      Dbs.insert(c, 2, 10, 10);
      r.sync(); // the first one is unharmed
    }
    try (Replicator again = Replicator.of(db).to(uri).start()) {
      again.sync(); // released at close
    }
  }

  @Test
  void emptyReplica() throws Exception {
    URI uri = replica();
    Path out = dir.resolve("fresh.db");
    assertThatThrownBy(() -> Restore.from(uri).to(out).run())
        .isInstanceOf(LitewakeException.class).hasMessageContaining("holds no generation").hasMessageContaining("ifReplicaExists()");
    assertThat(out).doesNotExist();
    RestoreResult r = Restore.from(uri).to(out).ifReplicaExists().run();
    assertThat(r.restored()).isFalse();
    assertThat(r.skipped()).contains(RestoreResult.SkipReason.REPLICA_EMPTY);
    assertThat(r.objects()).isZero();
    assertThat(out).doesNotExist();
  }
}
