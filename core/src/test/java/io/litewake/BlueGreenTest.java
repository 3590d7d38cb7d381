package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.BlueWriter;
import io.litewake.testing.ChildJvm;
import io.litewake.testing.Dbs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blue/green deploy on one replica prefix, default settings, two JVMs on separate directories:
 * blue replicates and keeps writing (and uploading, until its next fencing check) after green
 * restored from the replica and started; after both stopped, the latest state of the replica is
 * green's, whether or not green wrote anything after its start.
 */
class BlueGreenTest {
  @TempDir Path dir;

  @Test
  void restoreOfLatestFollowsTheLiveWriterAfterADeploy() throws Exception {
    for (int round = 0; round < 6; round++) {
      boolean greenWrites = round % 2 == 0;
      Path root = Files.createDirectories(dir.resolve("round-" + round));
      URI uri = Files.createDirectories(root.resolve("replica")).toUri();
      Path blueDb = Files.createDirectories(root.resolve("blue")).resolve("app.db");
      Path greenDb = Files.createDirectories(root.resolve("green")).resolve("app.db");
      Process blue = ChildJvm.start(BlueWriter.class, blueDb.toString(), uri.toString());
      try (BufferedReader out = new BufferedReader(new InputStreamReader(blue.getInputStream(), StandardCharsets.UTF_8))) {
        assertThat(out.readLine()).isEqualTo("STARTED");
        Thread.sleep(300); // blue writes on

        Restore.from(uri).to(greenDb).run();
        List<String> green;
        try (Connection app = Dbs.open(greenDb); Replicator r = Replicator.of(greenDb).to(uri).start()) {
          if (greenWrites) {
            Dbs.insert(app, 2, 10, 100);
            r.sync();
          }
          Thread.sleep(1500); // blue keeps writing and uploading into its own history meanwhile
          green = Dbs.dump(app);
        }
        try (OutputStream in = blue.getOutputStream()) {
          in.write("stop\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(out.readLine()).isEqualTo("STOPPED");
        assertThat(blue.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Path restored = root.resolve("restored.db");
        RestoreResult result = Restore.from(uri).to(restored).run();
        assertThat(Dbs.dump(restored)).as("round %d (green %s): latest is green's state", round,
            greenWrites ? "wrote" : "wrote nothing").isEqualTo(green);
        ReplicaContents contents = Restore.from(uri).list();
        assertThat(contents.generations()).hasSize(2);
        assertThat(contents.latest().orElseThrow().id()).isEqualTo(result.generation().orElseThrow());
        assertThat(contents.generations()).filteredOn(Generation::fenced).hasSize(1)
            .allMatch(g -> !g.id().equals(result.generation().orElseThrow()));
      } finally {
        blue.destroyForcibly();
      }
    }
  }
}
