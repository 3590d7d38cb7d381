package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code start()} does when the store cannot be used: permanent configuration errors fail it
 * within seconds with the actionable message and change nothing on disk; a store that is only
 * unreachable for a while never does.
 */
class StartAgainstTheStoreTest {

  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  private static List<String> listing(Path d) throws Exception {
    try (var files = Files.walk(d)) {
      return files.map(p -> d.relativize(p) + (Files.isDirectory(p) ? "/" : ":" + p.toFile().length())).sorted().toList();
    }
  }

  @Test
  void readOnlyCredentialsFailStartNamingPutObject() throws Exception {
    s3.policy(Policy.restore("ro"));
    try (Db db = new Db(dir.resolve("ro.db"))) {
      db.insert(5);
      List<String> before = listing(dir);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> Replicator.of(db.file).to(s3.uri("ro")).start())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("access denied")
          .hasMessageContaining("s3:PutObject");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(listing(dir)).as("nothing changed on disk").isEqualTo(before);
    }
  }

  @Test
  void aBucketThatDoesNotExistFailsStartAndChangesNothing() throws Exception {
    URI good = s3.uri("wrong");
    URI wrong = URI.create(good.toString().replaceFirst("^s3://[^/]+/", "s3://no-such-bucket-here/"));
    try (Db db = new Db(dir.resolve("app.db"))) {
      db.insert(5);
      List<String> before = listing(dir);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> Replicator.of(db.file).to(wrong).start())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("bucket no-such-bucket-here does not exist");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(listing(dir)).as("nothing changed on disk").isEqualTo(before);
    }
  }

  @Test
  void aStoreUnreachableWhileStartingDoesNotFailStart() throws Exception {
    URI uri = s3.uri("blip");
    try (Db db = new Db(dir.resolve("blip.db"))) {
      db.insert(5);
      s3.faults().dropConnections(Duration.ofSeconds(6));
      long t0 = System.nanoTime();
      try (Replicator r = Replicator.of(db.file).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("start returns").isLessThan(Duration.ofSeconds(5));
        db.insert(20); // the application writes during the outage
        r.sync(Duration.ofSeconds(60)); // after the store is back
        db.insert(5);
        r.sync();
      }
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }
}
