package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testing.BlueWriter;
import io.litewake.testing.ChildJvm;
import io.litewake.testing.Dbs;
import io.litewake.testing.StartStopChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts that fail, fail at once, leave nothing behind and log only what is true; short-lived
 * replicators close without a WARN; a restore never replaces a database being replicated.
 */
class StartStopTest {
  @TempDir Path dir;

  /** Runs a {@link StartStopChild} case; returns its standard output and its log (stderr) lines. */
  private List<List<String>> child(String mode, Path db, URI uri) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StartStopChild.class.getName(), mode, db.toString(),
        uri.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(mode + ".log").toFile()).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.add(line);
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return List.of(out, Files.readAllLines(dir.resolve(mode + ".log")));
  }

  private static void assertQuiet(List<String> log) {
    assertThat(log).as("log lines").noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")
        || l.contains("Exception") || l.startsWith("\tat "));
  }

  @Test
  void aDatabaseNotInWalModeIsRefusedWithOneTrueMessageAndNothingLeftBehind() throws Exception {
    Path db = dir.resolve("rollback.db");
    List<List<String>> r = child("not-wal", db, dir.resolve("replica").toUri());
    assertThat(r.get(0)).anyMatch(l -> l.startsWith("REFUSED") && l.contains("journal_mode=DELETE"));
    assertThat(r.get(0)).contains("DONE");
    assertQuiet(r.get(1));
    assertThat(Files.exists(dir.resolve(".rollback.db-litewake"))).isFalse();
  }

  @Test
  void aSecondReplicatorOfOneDatabaseIsRefusedAtOnce() throws Exception {
    Path db = dir.resolve("twice.db");
    List<List<String>> r = child("twice", db, dir.resolve("replica").toUri());
    String refused = r.get(0).stream().filter(l -> l.startsWith("REFUSED")).findFirst().orElseThrow();
    assertThat(refused).contains("already replicating");
    assertThat(Long.parseLong(refused.split(" ")[1])).as("ms until refused").isLessThan(1000);
    assertQuiet(r.get(1));
  }

  @Test
  void shortLivedReplicatorsCloseWithoutAWarning() throws Exception {
    List<List<String>> r = child("short-lived", dir.resolve("short.db"), dir.resolve("replica").toUri());
    assertThat(r.get(0)).contains("DONE");
    assertQuiet(r.get(1));
    assertThat(r.get(1)).anyMatch(l -> l.contains("replication to") && l.contains("stopped at"));
  }

  @Test
  void overwriteRefusesADatabaseThatIsBeingReplicatedHereOrElsewhere() throws Exception {
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Path db = dir.resolve("live.db");
    try (Connection app = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(uri).start();
      Dbs.insert(app, 1, 10, 100);
      r.sync();
      byte[] before = Files.readAllBytes(db);
      assertThatThrownBy(() -> Restore.from(uri).to(db).overwrite().run())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("a Replicator in this process (pid " + ProcessHandle.current().pid())
          .hasMessageContaining("is replicating this database");
      assertThat(Files.readAllBytes(db)).isEqualTo(before);
      r.close();
      Dbs.insert(app, 2, 1, 10);
    }
    assertThat(Restore.from(uri).to(db).overwrite().run().restored()).as("allowed once stopped").isTrue();

    // another process replicating its own copy
    Path other = Files.createDirectories(dir.resolve("other")).resolve("app.db");
    Process p = ChildJvm.start(BlueWriter.class, other.toString(), Files.createDirectories(dir.resolve("r2")).toUri().toString());
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("STARTED");
      assertThatThrownBy(() -> Restore.from(uri).to(other).overwrite().run())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("process " + p.pid() + " on ")
          .hasMessageContaining("Stop that replicator");
      try (OutputStream in = p.getOutputStream()) {
        in.write("stop\n".getBytes(StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // already gone
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }
}
