package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.testing.Dbs;
import io.litewake.testsupport.AccessPolicy;
import io.litewake.testsupport.S3Call;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Server;
import io.litewake.testsupport.S3Servers;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append-only replica in a bucket with S3 Object Lock, as the front answers for one (every
 * upload needs a Content-MD5 or checksum): every object, the multipart snapshot and the claim
 * included, is uploaded once with the retention the URI asks for, under a policy of list, get and
 * put only; a bucket without Object Lock refuses the retention and {@code start()} says what to do.
 */
class ObjectLockTest {
  @TempDir Path dir;

  static URI withLock(URI uri) {
    return URI.create(uri + "&object-lock-mode=GOVERNANCE&object-lock-retention=P30D");
  }

  @Test
  void everyUploadCarriesTheRetentionAndIsWrittenOnce() throws Exception {
    S3Server server = S3Servers.S3MOCK.server();
    String prefix = S3Servers.newPrefix();
    try (S3Front front = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(S3Servers.SHARED_BUCKET, prefix + "/",
            Set.of(AccessPolicy.LIST_BUCKET, AccessPolicy.GET_OBJECT, AccessPolicy.PUT_OBJECT)))
        .start()) {
      front.bucketRules().objectLock(true);
      URI uri = withLock(server.replicaUri(front.endpoint(), S3Servers.SHARED_BUCKET, prefix));
      Path db = dir.resolve("locked.db");
      Instant before = Instant.now();
      try (Connection c = Dbs.create(db);
          Replicator r = Replicator.of(db).to(uri).appendOnly().syncInterval(Duration.ofMillis(50))
              .snapshotInterval(Duration.ofMillis(300)).start()) {
        Dbs.insert(c, 1, 1100, 10_000); // an 11 MB database: the first snapshot is a multipart upload
        r.sync();
        for (int i = 0; i < 5; i++) {
          Dbs.insert(c, 2, 20, 200);
          Thread.sleep(150);
        }
        r.sync();
      }
      Path out = dir.resolve("out.db");
      Restore.from(uri).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(db));

      List<S3Call> calls = front.requests();
      assertThat(calls).noneMatch(S3Call::denied).noneMatch(S3Call::faulted);
      assertThat(calls).noneMatch(c -> c.method().equals("DELETE"));
      List<S3Call> starts = calls.stream()
          .filter(c -> c.operation().equals("PutObject") || c.operation().equals("CreateMultipartUpload")).toList();
      assertThat(starts).anyMatch(c -> c.operation().equals("CreateMultipartUpload"))
          .anyMatch(c -> c.key().endsWith("/litewake/claims/" + c.key().substring(c.key().lastIndexOf('/') + 1)));
      for (S3Call c : starts) {
        assertThat(c.headers()).as(c.key()).containsEntry("x-amz-object-lock-mode", "GOVERNANCE");
        Instant until = Instant.parse(c.headers().get("x-amz-object-lock-retain-until-date"));
        assertThat(until).isBetween(before.plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30)));
      }
      assertThat(calls.stream().filter(c -> c.operation().equals("PutObject") || c.operation().equals("UploadPart")))
          .allSatisfy(c -> assertThat(c.headers()).containsKey("content-md5"));
      Map<String, Long> written = calls.stream()
          .filter(c -> (c.operation().equals("PutObject") || c.operation().equals("CompleteMultipartUpload"))
              && c.status() / 100 == 2)
          .collect(Collectors.groupingBy(S3Call::key, Collectors.counting()));
      assertThat(written.values()).allMatch(n -> n == 1);
      assertThat(S3IamPolicy.appendOnly(uri)).contains("\"s3:GetObject\", \"s3:PutObject\", \"s3:PutObjectRetention\"")
          .doesNotContain("DeleteObject");
    }
  }

  @Test
  void aBucketWithoutObjectLockFailsStartSayingWhatToDo() throws Exception {
    S3Server server = S3Servers.S3MOCK.server();
    try (S3Front front = S3Front.builder(server.endpoint()).start()) {
      URI uri = withLock(server.replicaUri(front.endpoint(), S3Servers.SHARED_BUCKET, S3Servers.newPrefix()));
      Path db = dir.resolve("plain.db");
      try (Connection c = Dbs.create(db)) {
        Dbs.insert(c, 1, 5, 10);
      }
      assertThatThrownBy(() -> Replicator.of(db).to(uri).appendOnly().start())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("was not created with Object Lock")
          .hasMessageContaining("remove object-lock-mode and object-lock-retention");
      assertThat(front.requests()).anyMatch(c -> c.outcome().equals("InvalidRequest"));
    }
  }

  @Test
  void badLockParametersAreRefusedNamingThem() {
    URI base = URI.create("s3://b/p?endpoint=http://127.0.0.1:1");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create(base + "&object-lock-mode=FOREVER&object-lock-retention=P1D")))
        .hasMessageContaining("object-lock-mode must be GOVERNANCE or COMPLIANCE, not 'FOREVER'");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create(base + "&object-lock-mode=COMPLIANCE&object-lock-retention=30")))
        .hasMessageContaining("ISO-8601 duration");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create(base + "&object-lock-mode=COMPLIANCE")))
        .hasMessageContaining("go together");
    assertThat(S3IamPolicy.replicate(URI.create("s3://b/p?object-lock-mode=COMPLIANCE&object-lock-retention=P7D")))
        .contains("\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\", \"s3:PutObjectRetention\"");
    assertThat(S3IamPolicy.appendOnly(URI.create("s3://b/p"))).contains("[\"s3:GetObject\", \"s3:PutObject\"]");
  }
}
