package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.s3.testing.PolicyProxy;
import io.litewake.s3.testing.S3Servers;
import io.litewake.s3.testing.S3TestServer;
import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replication (with its retention pass and deletions) and restore, end to end through the
 * public API, behind a proxy that enforces the minimal IAM policies and rejects everything else.
 */
class EndToEndPolicyTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void replicateAndRestoreUnderMinimalPoliciesWithNoRejectedRequest(S3Servers backend) throws Exception {
    S3TestServer server = backend.server();
    String bucket = server.sharedBucket();
    String prefix = S3TestServer.newPrefix();
    Path db = dir.resolve("policy.db");
    try (PolicyProxy proxy = PolicyProxy.in(server.endpoint(), bucket).prefix(prefix + "/")
        .allow(PolicyProxy.REPLICATE).start();
        Connection app = Dbs.create(db)) {
      URI uri = server.replicaUri(proxy.endpoint(), bucket, prefix);
      // a replica that already holds an expired generation, so the retention pass deletes
      try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(100)).start()) {
        Dbs.insert(app, 1, 200, 300);
        r.sync();
      }
      Dbs.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)"); // forces a new generation next start
      Dbs.insert(app, 2, 50, 300);
      try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(100))
          .retention(Duration.ofMillis(1)).start()) {
        for (int i = 0; i < 5; i++) {
          Dbs.insert(app, 3, 50, 300);
          r.sync();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (proxy.requests().stream().noneMatch(q -> q.operation().equals("DeleteObjects"))
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      }
      assertThat(proxy.denied()).as("rejected requests while replicating").isEmpty();
      assertThat(proxy.requests()).extracting(PolicyProxy.Request::operation)
          .contains("PutObject", "ListObjectsV2", "DeleteObjects")
          .doesNotContain("HeadBucket", "GetBucketLocation", "CreateBucket", "ListBuckets", "ListMultipartUploads");
      MinimalPolicyTest.assertCleanTraffic(proxy);
    }
    try (PolicyProxy proxy = PolicyProxy.in(server.endpoint(), bucket).prefix(prefix + "/")
        .allow(PolicyProxy.RESTORE).start()) {
      URI uri = server.replicaUri(proxy.endpoint(), bucket, prefix);
      assertThat(Restore.from(uri).list().generations()).as("retention removed the old generation").hasSize(1);
      Path out = dir.resolve("restored.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(db));
      assertThat(proxy.denied()).as("rejected requests while restoring").isEmpty();
      MinimalPolicyTest.assertCleanTraffic(proxy);
    }
  }
}
