package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.testsupport.AccessPolicy;
import io.litewake.testsupport.Await;
import io.litewake.testsupport.S3Call;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Servers;
import io.litewake.testsupport.S3Server;
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
    S3Server server = backend.server();
    String bucket = S3Servers.SHARED_BUCKET;
    String prefix = S3Servers.newPrefix();
    Path db = dir.resolve("policy.db");
    try (S3Front proxy = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(bucket, prefix + "/", AccessPolicy.REPLICATE)).start();
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
        Await.until("the retention pass deletes the expired generation", Duration.ofSeconds(20),
            () -> proxy.requests().stream().anyMatch(q -> q.operation().equals("DeleteObjects")));
      }
      assertThat(proxy.denied()).as("rejected requests while replicating").isEmpty();
      assertThat(proxy.requests()).extracting(S3Call::operation)
          .contains("PutObject", "ListObjectsV2", "DeleteObjects")
          .doesNotContain("HeadBucket", "GetBucketLocation", "CreateBucket", "ListBuckets", "ListMultipartUploads");
      MinimalPolicyTest.assertCleanTraffic(proxy);
    }
    try (S3Front proxy = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(bucket, prefix + "/", AccessPolicy.RESTORE)).start()) {
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
