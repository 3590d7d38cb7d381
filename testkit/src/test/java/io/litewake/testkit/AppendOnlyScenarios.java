package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.ReplicaContents;
import io.litewake.Replicator;
import io.litewake.Restore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appendOnly()} through an enforcing policy without {@code s3:DeleteObject} (list, get, put
 * only): many snapshot cycles, checkpoints that restart the WAL, restarts that continue the
 * generation and one that starts a new one, each run a simulated day later than the one before (so
 * that a retention pass would have had everything to delete). Not one request is denied, no DELETE
 * is sent, no key is written twice (the writer claim included), and the replica restores to the
 * source. Subclasses choose the server.
 */
abstract class AppendOnlyScenarios {
  @TempDir Path dir;

  abstract S3Extension s3();

  @Test
  void neverDeletesNorWritesAKeyTwiceAndRestoresTheSource() throws Exception {
    S3Extension s3 = s3();
    s3.policy(Policy.replicate("ao").without(Policy.DELETE_OBJECT));
    URI uri = s3.uri("ao");
    Path file = dir.resolve("app.db");
    Path spool = dir.resolve(".app.db-litewake");
    try (Db db = new Db(file)) {
      for (int round = 0; round < 4; round++) {
        if (round == 3) {
          deleteTree(spool); // a new volume with the same database: a new generation, a new claim
        }
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(round));
        try (Replicator r = Replicator.of(file).to(uri).appendOnly().clock(later)
            .syncInterval(Duration.ofMillis(50)).snapshotInterval(Duration.ofMillis(250))
            .fencingCheckInterval(Duration.ofMillis(100)).minCheckpointPages(4).maxCheckpointPages(16).start()) {
          for (int i = 0; i < 12; i++) {
            db.insert(40);
            Thread.sleep(90);
          }
          r.sync();
          assertThat(r.status().fenced()).isFalse();
        }
      }
      List<S3Request> requests = s3.requests();
      assertThat(requests).as("denied requests").noneMatch(S3Request::denied);
      assertThat(requests).as("deletes").noneMatch(q -> q.method().equals("DELETE")
          || q.operation().startsWith("Delete"));
      Map<String, Long> writes = requests.stream()
          .filter(q -> (q.operation().equals("PutObject") || q.operation().equals("CompleteMultipartUpload"))
              && q.status() / 100 == 2)
          .collect(Collectors.groupingBy(S3Request::key, TreeMap::new, Collectors.counting()));
      assertThat(writes).as("keys written more than once").allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
      List<String> snapshots = writes.keySet().stream().filter(k -> k.contains("/snapshots/")).toList();
      assertThat(snapshots).as("snapshot cycles").hasSizeGreaterThanOrEqualTo(8);
      List<String> claims = writes.keySet().stream().filter(k -> k.contains("/litewake/")).toList();
      assertThat(claims).hasSize(2).allMatch(k -> k.contains("/litewake/claims/"));

      ReplicaContents contents = Restore.from(uri).list();
      assertThat(contents.generations()).hasSize(2);
      assertThat(contents.claimedGeneration()).contains(contents.generations().get(1).id());
      assertThat(contents.generations().get(0).fenced()).isTrue(); // the older history is not "latest"
      ReplicaTesting.assertReplicaMatches(uri, file);
      // a restore-only policy is enough to read it
      s3.policy(Policy.restore("ao"));
      ReplicaTesting.assertReplicaMatches(uri, file);
      assertThat(s3.requests()).noneMatch(S3Request::denied);
    }
  }

  @Test
  void retentionAndKeptSnapshotsContradictAppendOnly() {
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).to(s3().uri("x")).appendOnly()
        .retention(Duration.ofDays(7)).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("lifecycle rule");
    assertThatThrownBy(() -> Replicator.of(dir.resolve("x.db")).to(s3().uri("x")).appendOnly()
        .keepDailySnapshots(3).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keep 3 daily");
  }

  private static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
