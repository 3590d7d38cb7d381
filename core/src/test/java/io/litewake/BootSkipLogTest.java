package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore on boot that finds the database says so in the log even when the program ends right
 * after it (an init container, a script): the line is written off the caller's thread, which must
 * not lose it.
 */
class BootSkipLogTest {
  @TempDir Path dir;

  /** The program: restores on boot with the database present, then ends at once. */
  public static final class Main {
    public static void main(String[] args) {
      RestoreResult r = Restore.from(URI.create(args[0])).to(Path.of(args[1])).ifDatabaseMissing().run();
      System.out.println("skipped=" + r.skipped().orElseThrow());
    }
  }

  @Test
  void theSkipIsLoggedByAProgramThatEndsRightAfterIt() throws Exception {
    Path db = Files.writeString(dir.resolve("app.db"), "present");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int run = 0; run < 3; run++) {
      Process p = new ProcessBuilder(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), replica.toUri().toString(), db.toString())).redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(out).as("run %d", run).contains("skipped=DATABASE_EXISTS")
          .contains("litewake [app.db]: " + db.toAbsolutePath() + " exists, restore skipped");
    }
    assertThat(Files.readString(db)).isEqualTo("present");
  }
}
