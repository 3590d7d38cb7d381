package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.testing.Dbs;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Server;
import io.litewake.testsupport.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that meets an object in an archive storage class (the front answers {@code 403
 * InvalidObjectState} with the class, as S3 does until the object is restored) fails at once with
 * a message naming the object, its class and what to do; nothing is written at the output path.
 */
class ArchivedObjectTest {
  @TempDir Path dir;

  @Test
  void archivedSnapshotsAndWalSegmentsAreNamedWithTheirClass() throws Exception {
    S3Server server = S3Servers.S3MOCK.server();
    String prefix = S3Servers.newPrefix();
    try (S3Front front = S3Front.builder(server.endpoint()).start()) {
      URI uri = server.replicaUri(front.endpoint(), S3Servers.SHARED_BUCKET, prefix);
      Path db = dir.resolve("cold.db");
      try (Connection c = Dbs.create(db);
          Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
        Dbs.insert(c, 1, 50, 100);
        r.sync();
        Dbs.insert(c, 2, 50, 100);
        r.sync();
      }
      Path out = dir.resolve("out.db");

      front.bucketRules().archive(prefix + "/generations/", "GLACIER");
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> Restore.from(uri).to(out).run())
          .satisfies(e -> System.out.println("ArchivedObjectTest message: " + e.getMessage()))
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("/snapshots/00000000.snapshot.zst is in storage class GLACIER")
          .hasMessageContaining("InvalidObjectState")
          .hasMessageContaining("aws s3api restore-object --bucket " + S3Servers.SHARED_BUCKET + " --key " + prefix
              + "/generations/")
          .hasMessageContaining("STANDARD_IA")
          .hasMessageContaining("GLACIER_IR");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no retries of a permanent answer")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(out).doesNotExist();
      assertThat(dir.toFile().list()).allMatch(n -> n.startsWith("cold.db") || n.startsWith(".cold.db"));

      front.bucketRules().clear().archive(prefix + "/generations/" + Restore.from(uri).list().latest().orElseThrow().id() + "/wal/",
              "DEEP_ARCHIVE");
      assertThatThrownBy(() -> Restore.from(uri).to(out).run())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining(".wal.zst is in storage class DEEP_ARCHIVE")
          .hasMessageContaining("restore it first");
      assertThat(out).doesNotExist();

      front.bucketRules().clear();
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(db));
    }
  }
}
