package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.testsupport.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** IAM-like policies on the endpoint, exercised by real replication and restore. */
class PolicyTest {

  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  @Test
  void replicationAndRestoreWorkUnderTheirMinimalPolicies() throws Exception {
    URI uri = s3.uri("minimal");
    s3.policy(Policy.replicate("minimal"));
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = Replicator.of(db.file).to(uri).start()) {
      db.insert(30);
      r.sync();
      s3.policy(Policy.restore("minimal"));
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
    assertThat(s3.requests()).isNotEmpty().noneMatch(S3Request::denied);
  }

  @Test
  void aRestoreOnlyPolicyRefusesUploadsWithAccessDenied() throws Exception {
    URI uri = s3.uri("readonly");
    s3.policy(Policy.restore("readonly"));
    try (Db db = new Db(dir.resolve("a.db"))) {
      db.insert(5);
      // the claim's PUT at start proves write access: start() fails at once, naming the action
      assertThatThrownBy(() -> Replicator.of(db.file).to(uri).closeTimeout(Duration.ofMillis(200)).start())
          .isInstanceOf(LitewakeException.class).hasMessageContaining("s3:PutObject");
    }
    assertThat(s3.requests()).filteredOn(S3Request::denied).isNotEmpty()
        .allSatisfy(q -> {
          assertThat(q.action()).isEqualTo(Policy.PUT_OBJECT);
          assertThat(q.status()).isEqualTo(403);
          assertThat(q.key()).matches("readonly/(generations/.*|litewake/writer\\.properties)");
        });
    assertThat(s3.keys("readonly")).isEmpty();
  }

  @Test
  void withoutDeleteObjectOnlyRetentionFailsAndTheReplicaStaysRestorable() throws Exception {
    URI uri = s3.uri("nodelete");
    s3.policy(Policy.replicate("nodelete").without(Policy.DELETE_OBJECT));
    try (Db db = new Db(dir.resolve("a.db"));
        Replicator r = Replicator.of(db.file).to(uri).syncInterval(Duration.ofMillis(50))
            .snapshotInterval(Duration.ofMillis(400)).retention(Duration.ofMillis(300))
            .minCheckpointPages(1).maxCheckpointPages(2).start()) {
      Await.atMost(Duration.ofSeconds(15)).pollEvery(Duration.ofMillis(100))
          .until("the retention pass is refused a delete", () -> {
            db.insert(3);
            return s3.requests().stream().anyMatch(S3Request::denied);
          });
      r.sync();
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
    assertThat(s3.requests()).filteredOn(S3Request::denied).as("retention deletes were refused")
        .isNotEmpty().allSatisfy(q -> assertThat(q.action()).isEqualTo(Policy.DELETE_OBJECT));
    assertThat(s3.requests()).filteredOn(q -> !q.action().equals(Policy.DELETE_OBJECT))
        .isNotEmpty().noneMatch(S3Request::denied);
  }

  @Test
  void keysAndListingsOutsideTheNameAreDenied() throws Exception {
    s3.policy(Policy.replicate("orders"));
    URI other = s3.uri("payments");
    assertThatThrownBy(() -> Restore.from(other).list()).hasMessageContaining("s3:ListBucket");
    assertThat(s3.requests()).filteredOn(S3Request::denied).isNotEmpty()
        .allSatisfy(q -> assertThat(q.key()).startsWith("payments/"));
    assertThat(s3.client().headBucket(b -> b.bucket(s3.bucket())).sdkHttpResponse().isSuccessful())
        .as("the assertion client bypasses the policy").isTrue();
  }

  @Test
  void policiesAreValidated() {
    assertThat(Policy.replicate("orders").actions()).containsExactly(Policy.DELETE_OBJECT, Policy.GET_OBJECT,
        Policy.LIST_BUCKET, Policy.PUT_OBJECT);
    assertThat(Policy.restore("orders").with(Policy.ABORT_MULTIPART_UPLOAD).actions())
        .containsExactly(Policy.ABORT_MULTIPART_UPLOAD, Policy.GET_OBJECT, Policy.LIST_BUCKET);
    assertThatThrownBy(() -> Policy.restore("orders").without(Policy.PUT_OBJECT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not allow s3:PutObject");
    assertThatThrownBy(() -> Policy.allow("orders", "GetObject"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an S3 IAM action: 'GetObject'");
    assertThatThrownBy(() -> Policy.replicate("orders/")).isInstanceOf(IllegalArgumentException.class);
  }
}
