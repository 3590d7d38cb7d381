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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fencing on an append-only replica: the claim is one object per generation, never overwritten;
 * a replicator that started later takes over (its claim is the newest by key order), the older one
 * is fenced at its next check, and restores of the latest state follow the newest claim.
 */
class AppendOnlyFencingTest {
  @TempDir Path dir;

  @Test
  void aLaterWriterTakesOverAndTheOlderIsFenced() throws Exception {
    URI replica = dir.resolve("replica").toUri();
    Path blue = dir.resolve("blue.db");
    Path green = dir.resolve("green.db");
    try (Connection b = Dbs.create(blue); Connection g = Dbs.create(green)) {
      Dbs.insert(b, 1, 10, 100);
      Dbs.insert(g, 2, 20, 100);
      try (Replicator rb = Replicator.of(blue).to(replica).appendOnly().syncInterval(Duration.ofMillis(50))
          .fencingCheckInterval(Duration.ofMillis(100)).start()) {
        rb.sync();
        try (Replicator rg = Replicator.of(green).to(replica).appendOnly().syncInterval(Duration.ofMillis(50))
            .fencingCheckInterval(Duration.ofMillis(100)).start()) {
          rg.sync();
          Thread.sleep(150);
          Dbs.insert(b, 1, 5, 100); // blue writes on: its next upload checks the claims
          Await.until(Duration.ofSeconds(10), "blue is fenced", () -> rb.status().fenced());
          assertThatThrownBy(rb::sync).isInstanceOf(FencedException.class);
          Dbs.insert(g, 2, 5, 100);
          rg.sync();
        }
      }
      Path claims = dir.resolve("replica/litewake/claims");
      try (Stream<Path> s = Files.list(claims)) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).hasSize(2);
      }
      assertThat(dir.resolve("replica/litewake/writer.properties")).doesNotExist();
      ReplicaContents contents = Restore.from(replica).list();
      assertThat(contents.claimedGeneration()).contains(contents.generations().stream()
          .map(Generation::id).max(String::compareTo).orElseThrow());
      Path out = dir.resolve("out.db");
      Restore.from(replica).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(g));
      List<String> blueState = Dbs.dump(b);
      assertThat(Dbs.dump(out)).isNotEqualTo(blueState);
    }
  }
}
