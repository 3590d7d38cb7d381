package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testsupport.S3Call;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Servers;
import io.litewake.testsupport.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Storage classes per object kind and encryption headers, as seen on the wire (s3mock behind the recording proxy). */
class WireHeadersTest {

  @TempDir Path tmp;

  @Test
  void storageClassesPerKindAndSseKms() throws Exception {
    S3Server server = S3Servers.S3MOCK.server();
    String bucket = S3Servers.SHARED_BUCKET;
    Path f = Files.write(tmp.resolve("f"), "hello".getBytes());
    try (S3Front proxy = S3Front.builder(server.endpoint()).start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, S3Servers.newPrefix()))
            .snapshotStorageClass(StorageClass.STANDARD_IA)
            .walStorageClass(StorageClass.ONEZONE_IA)
            .sseKms("alias/litewake")
            .build()) {
      r.put("generations/0000000000000001/snapshots/00000000.snapshot.zst", f);
      r.put("generations/0000000000000001/wal/00000000_00000000.wal.zst", f);
      List<S3Call> puts = proxy.requests().stream()
          .filter(x -> x.operation().equals("PutObject")).toList();
      assertThat(puts).hasSize(2);
      assertThat(puts.get(0).headers()).containsEntry("x-amz-storage-class", "STANDARD_IA")
          .containsEntry("x-amz-server-side-encryption", "aws:kms")
          .containsEntry("x-amz-server-side-encryption-aws-kms-key-id", "alias/litewake");
      assertThat(puts.get(1).headers()).containsEntry("x-amz-storage-class", "ONEZONE_IA");
      String md5 = Base64.getEncoder().encodeToString(
          java.security.MessageDigest.getInstance("MD5").digest("hello".getBytes()));
      assertThat(puts.get(0).headers()).containsEntry("content-md5", md5);
    }
  }

  @Test
  void sseCustomerKeyIsSentOnWritesAndReads() throws Exception {
    S3Server server = S3Servers.S3MOCK.server();
    String bucket = S3Servers.SHARED_BUCKET;
    Path f = Files.write(tmp.resolve("f"), "hello".getBytes());
    byte[] key = new byte[32];
    key[0] = 7;
    String keyMd5 = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(key));
    try (S3Front proxy = S3Front.builder(server.endpoint()).start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, S3Servers.newPrefix()))
            .sseCustomerKey(key).build()) {
      r.put("k", f);
      r.open("k").close();
      assertThat(proxy.requests()).filteredOn(x -> x.operation().matches("PutObject|HeadObject|GetObject"))
          .hasSize(3)
          .allSatisfy(x -> assertThat(x.headers())
              .containsEntry("x-amz-server-side-encryption-customer-algorithm", "AES256")
              .containsEntry("x-amz-server-side-encryption-customer-key-md5", keyMd5)
              .containsEntry("x-amz-server-side-encryption-customer-key", "****"));
      assertThat(HexFormat.of().formatHex(key)).isNotEmpty();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(S3Servers.class)
  void aSinglePutAnsweredWithItsMd5IsNotReadBackOtherUploadsAre(S3Servers kind) throws Exception {
    S3Server server = kind.server();
    String bucket = S3Servers.SHARED_BUCKET;
    Path small = Files.write(tmp.resolve("small"), "hello".getBytes());
    byte[] bytes = new byte[6 << 20];
    new java.util.Random(1).nextBytes(bytes);
    Path big = Files.write(tmp.resolve("big"), bytes);
    try (S3Front proxy = S3Front.builder(server.endpoint()).start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, S3Servers.newPrefix()))
            .partSize(5 << 20).build()) {
      r.put("small", small);
      if (kind != S3Servers.S3PROXY) {
        io.litewake.testsupport.Await.until("the read-back recorded", java.time.Duration.ofSeconds(5),
            () -> proxy.requests().size() >= 2);
      }
      // S3Proxy answers with the MD5 ETag of the bytes it stored; s3mock sends no ETag: read back
      assertThat(proxy.requests()).extracting(S3Call::operation).containsExactlyElementsOf(
          kind == S3Servers.S3PROXY ? List.of("PutObject") : List.of("PutObject", "HeadObject"));
      r.put("big", big);
      // the front records a forwarded answer once it relayed it: the client may be a moment ahead
      io.litewake.testsupport.Await.until("the read-back recorded", java.time.Duration.ofSeconds(5),
          () -> proxy.requests().stream().map(S3Call::operation).reduce((a, b) -> b).orElse("").equals("HeadObject"));
      assertThat(proxy.requests()).extracting(S3Call::operation)
          .contains("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload")
          .endsWith("HeadObject");
      try (java.io.InputStream in = r.open("big")) {
        assertThat(in.readAllBytes()).isEqualTo(bytes);
      }
    }
  }
}
