package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testsupport.AccessPolicy;
import io.litewake.testsupport.S3Call;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Servers;
import io.litewake.testsupport.S3Server;
import io.litewake.spi.StoredObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replication and restore under Litewake's minimal IAM policies, enforced by an {@link S3Front}
 * in front of each real server: nothing is refused, no bucket-level call is made, and every
 * listing is prefix-scoped.
 */
class MinimalPolicyTest {

  static final Set<String> NEVER = Set.of("HeadBucket", "GetBucketLocation", "CreateBucket",
      "ListBuckets", "ListMultipartUploads", "ListObjectVersions", "DeleteBucket");

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void replicateThenRestoreUnderMinimalPolicies(S3Servers backend) throws Exception {
    S3Server server = backend.server();
    String bucket = S3Servers.SHARED_BUCKET;
    String prefix = S3Servers.newPrefix();
    byte[] small = random(3000, 1);
    byte[] big = random((int) (S3Replica.MIN_PART_SIZE * 2 + 7), 2); // multipart: 3 parts
    Path smallFile = Files.write(tmp.resolve("small"), small);
    Path bigFile = Files.write(tmp.resolve("big"), big);
    String snap = "generations/00000000000000aa/snapshots/00000000.snapshot.zst";
    String wal = "generations/00000000000000aa/wal/00000000_00000000.wal.zst";

    try (S3Front proxy = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(bucket, prefix + "/", AccessPolicy.REPLICATE)).start();
        S3Replica replica = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix))
            .partSize(S3Replica.MIN_PART_SIZE).build()) {
      assertThat(replica.list("")).isEmpty();
      replica.put(snap, bigFile);
      replica.put(wal, smallFile);
      replica.put("generations/00000000000000aa/wal/old", smallFile);
      assertThat(replica.list("generations/")).hasSize(3);
      replica.delete(List.of("generations/00000000000000aa/wal/old"));
      assertThat(replica.list("generations/00000000000000aa/wal/")).extracting(StoredObject::key)
          .containsExactly(wal);
      assertThat(proxy.denied()).isEmpty();
      assertCleanTraffic(proxy);
      assertThat(proxy.requests()).extracting(S3Call::operation)
          .contains("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "PutObject",
              "DeleteObjects", "ListObjectsV2", "HeadObject");
      // every upload request carries the MD5 of what it sends
      assertThat(proxy.requests()).filteredOn(r -> r.operation().equals("PutObject")
          || r.operation().equals("UploadPart")).allSatisfy(r ->
              assertThat(r.headers()).containsKey("content-md5"));
    }

    try (S3Front proxy = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(bucket, prefix + "/", AccessPolicy.RESTORE)).start();
        S3Replica replica = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix))
            .partSize(S3Replica.MIN_PART_SIZE).build()) {
      List<StoredObject> all = replica.list("");
      assertThat(all).hasSize(2);
      StoredObject snapObject = all.stream().filter(o -> o.key().equals(snap)).findFirst().orElseThrow();
      Path out = tmp.resolve("restored");
      replica.download(snapObject, out); // ranged, parallel
      assertThat(Files.readAllBytes(out)).isEqualTo(big);
      try (InputStream in = replica.open(wal)) {
        assertThat(in.readAllBytes()).isEqualTo(small);
      }
      assertThat(proxy.denied()).isEmpty();
      assertCleanTraffic(proxy);

      // and the restore policy really is restore-only: writes are refused with a useful message
      assertThatThrownBy(() -> replica.put("generations/00000000000000aa/wal/x", smallFile))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("s3:PutObject")
          .hasMessageContaining(prefix + "/generations/00000000000000aa/wal/x")
          .hasMessageContaining("S3IamPolicy.replicate(uri)");
      assertThatThrownBy(() -> replica.delete(List.of(wal)))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("s3:DeleteObject")
          .hasMessageContaining(prefix + "/" + wal);
      assertThat(proxy.denied()).extracting(S3Call::action)
          .containsOnly("s3:PutObject", "s3:DeleteObject");
    }
  }

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void listingOutsideThePolicyPrefixIsDeniedNamingActionAndPrefix(S3Servers backend) {
    S3Server server = backend.server();
    String bucket = S3Servers.SHARED_BUCKET;
    String prefix = S3Servers.newPrefix();
    try (S3Front proxy = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(bucket, "somewhere-else/", AccessPolicy.REPLICATE)).start();
        S3Replica replica = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix)).build()) {
      assertThatThrownBy(() -> replica.list("generations/"))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("s3:ListBucket")
          .hasMessageContaining("s3://" + bucket + "/" + prefix + "/generations/");
      assertThatThrownBy(() -> replica.open("generations/x"))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("s3:GetObject")
          .hasMessageContaining("s3://" + bucket + "/" + prefix + "/generations/x");
    }
  }

  static void assertCleanTraffic(S3Front proxy) {
    assertThat(proxy.requests()).extracting(S3Call::operation).doesNotContainAnyElementsOf(NEVER);
    assertThat(proxy.requests()).filteredOn(r -> r.action().equals("s3:ListBucket"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.key()).endsWith("/"));
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static URI uri(S3Server server, URI endpoint, String bucket, String prefix) {
    return server.replicaUri(endpoint, bucket, prefix);
  }
}
