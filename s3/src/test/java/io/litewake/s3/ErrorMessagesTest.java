package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testsupport.AccessPolicy;
import io.litewake.testsupport.Await;
import io.litewake.testsupport.FaultSchedule;
import io.litewake.testsupport.S3Call;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Servers;
import io.litewake.testsupport.S3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each error message, produced by a server or proxy that really answers that way. */
class ErrorMessagesTest {

  @TempDir Path tmp;

  static URI withCredentials(S3Server s, String bucket, String accessKey, String secret) {
    return URI.create("s3://" + bucket + "/db?endpoint=" + s.endpoint() + "&access-key=" + accessKey
        + "&secret-access-key=" + secret);
  }

  @Test
  void unknownAccessKeyOnS3Proxy() {
    S3Server s3proxy = S3Servers.S3PROXY.server();
    try (S3Replica r = S3Replica.fromUri(withCredentials(s3proxy, S3Servers.SHARED_BUCKET, "AKIAUNKNOWN00000", "whatever")).build()) {
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(io.litewake.spi.ReplicaConfigurationException.class)
          .hasMessageContaining("does not know the access key id from the static credentials (access key ****)")
          .hasMessageNotContaining("AKIAUNKNOWN")
          .hasMessageContaining("check the access-key parameter")
          .hasMessageNotContaining("whatever");
    }
  }

  @Test
  void wrongSecretOnS3Proxy() {
    S3Server s3proxy = S3Servers.S3PROXY.server();
    try (S3Replica r = S3Replica.fromUri(withCredentials(s3proxy, S3Servers.SHARED_BUCKET,
        s3proxy.accessKey(), "not-the-secret")).build()) {
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(io.litewake.spi.ReplicaConfigurationException.class)
          .hasMessageContaining("rejected the request signature for s3:ListBucket")
          .hasMessageContaining("secret access key does not belong")
          .hasMessageNotContaining("not-the-secret");
    }
  }

  @Test
  void missingBucketOnS3Proxy() throws Exception {
    S3Server s3proxy = S3Servers.S3PROXY.server();
    URI uri = s3proxy.replicaUri(s3proxy.endpoint(), "no-such-bucket-here", "db");
    try (S3Replica r = S3Replica.fromUri(uri).build()) {
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(io.litewake.spi.ReplicaConfigurationException.class)
          .hasMessageContaining("bucket no-such-bucket-here does not exist at " + s3proxy.endpoint())
          .hasMessageContaining("create the bucket");
      Path f = Files.write(tmp.resolve("f"), new byte[10]);
      assertThatThrownBy(() -> r.put("k", f))
          .hasMessageContaining("bucket no-such-bucket-here does not exist");
    }
  }

  @Test
  void noCredentialsAnywhereIsOneTranslatedMessage() {
    S3Server s3proxy = S3Servers.S3PROXY.server();
    // no access-key parameter, and nothing in this test JVM's default chain (no environment
    // variables, no profile, instance metadata disabled by the build)
    URI uri = URI.create("s3://" + S3Servers.SHARED_BUCKET + "/db?endpoint=" + s3proxy.endpoint() + "&region=us-east-1");
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null
        && System.getenv("AWS_PROFILE") == null && !Files.exists(Path.of(System.getProperty("user.home"), ".aws")),
        "this machine has AWS credentials configured");
    try (S3Replica r = S3Replica.fromUri(uri).build()) {
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(io.litewake.spi.ReplicaConfigurationException.class)
          .hasMessageContaining("no AWS credentials for s3:ListBucket")
          .hasMessageContaining("the AWS default credentials chain found none")
          .hasMessageContaining("access-key and secret-access-key parameters")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(700));
    }
  }

  @Test
  void wrongRegionNamesTheRightOne() {
    S3Server server = S3Servers.S3PROXY.server();
    String bucket = S3Servers.SHARED_BUCKET;
    try (S3Front proxy = S3Front.builder(server.endpoint()).bucketRegion("eu-west-3").start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, "db")).build()) {
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(io.litewake.spi.ReplicaConfigurationException.class)
          .hasMessageContaining("is not in region us-east-1 but in eu-west-3")
          .hasMessageContaining("set region=eu-west-3");
    }
  }

  @Test
  void unreachableEndpoint() {
    // a closed port outside the ephemeral range: a free ephemeral port can "connect" to itself
    int closed = 1;
    assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", closed).close())
        .isInstanceOf(java.net.ConnectException.class);
    URI uri = URI.create("s3://bucket/db?endpoint=http://127.0.0.1:" + closed
        + "&access-key=a&secret-access-key=b");
    try (S3Replica r = S3Replica.fromUri(uri).maxAttempts(2).build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot reach the S3 endpoint http://127.0.0.1:" + closed)
          .hasMessageContaining("check the endpoint parameter");
      // refused at once; the SDK's Netty pool occasionally loses a retry's connection attempt
      // and gives up only at the connection acquisition timeout (60 s): bounded, never a hang
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));
    }
  }

  @Test
  void retriesSlowDownAndServerErrorsThenSucceeds() throws Exception {
    S3Server server = S3Servers.S3PROXY.server();
    String bucket = S3Servers.SHARED_BUCKET;
    String prefix = S3Servers.newPrefix();
    Path f = Files.write(tmp.resolve("f"), new byte[1000]);
    try (S3Front proxy = S3Front.builder(server.endpoint())
        .faults(new FaultSchedule().add(FaultSchedule.Kind.SLOW_DOWN, 2)).start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix)).build()) {
      r.put("k", f);
      // the front records a forwarded answer once it relayed it: the client may be a moment ahead
      Await.until("the answer recorded", Duration.ofSeconds(5), () -> proxy.requests().size() >= 3);
      assertThat(proxy.requests()).extracting(S3Call::status).startsWith(503, 503, 200);
      assertThat(r.list("")).hasSize(1);
    }
    try (S3Front proxy = S3Front.builder(server.endpoint())
        .faults(new FaultSchedule().add(FaultSchedule.Kind.INTERNAL_ERROR, 100)).start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix))
            .maxAttempts(3).build()) {
      assertThatThrownBy(() -> r.list(""))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("failed after retries")
          .hasMessageContaining("500 InternalError");
      assertThat(proxy.requests()).hasSize(3);
    }
  }

  @Test
  void tamperedSinglePartUploadIsRejectedAtUploadTime() throws Exception {
    S3Server server = S3Servers.S3PROXY.server();
    String bucket = S3Servers.SHARED_BUCKET;
    String prefix = S3Servers.newPrefix();
    byte[] data = new byte[100_000];
    new Random(3).nextBytes(data);
    Path f = Files.write(tmp.resolve("f"), data);
    try (S3Front proxy = S3Front.builder(server.endpoint()).tamperUploads().start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix)).build()) {
      assertThatThrownBy(() -> r.put("generations/0000000000000001/wal/00000000_00000000.wal.zst", f))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("corrupted in transit");
    }
    try (S3Replica direct = S3Replica.fromUri(server.replicaUri(server.endpoint(), bucket, prefix)).build()) {
      assertThat(direct.list("")).isEmpty(); // nothing was stored
    }
  }

  @Test
  void tamperedMultipartUploadIsRejectedAndDeniedAbortOnlyWarns() throws Exception {
    S3Server server = S3Servers.S3PROXY.server();
    String bucket = S3Servers.SHARED_BUCKET;
    String prefix = S3Servers.newPrefix();
    byte[] data = new byte[(int) (S3Replica.MIN_PART_SIZE + 1000)];
    new Random(4).nextBytes(data);
    Path f = Files.write(tmp.resolve("f"), data);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (S3Front proxy = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(bucket, prefix + "/", AccessPolicy.REPLICATE)).tamperUploads().start();
        S3Replica r = S3Replica.fromUri(server.replicaUri(proxy.endpoint(), bucket, prefix))
            .partSize(S3Replica.MIN_PART_SIZE).build()) {
      assertThatThrownBy(() -> r.put("generations/0000000000000001/snapshots/00000000.snapshot.zst", f))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("corrupted in transit");
      Await.until("the failed abort is logged", Duration.ofSeconds(10),
          () -> captured.toString(StandardCharsets.UTF_8).contains("AbortIncompleteMultipartUpload"));
      assertThat(proxy.denied()).extracting(S3Call::operation).containsOnly("AbortMultipartUpload");
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("could not abort the failed multipart upload")
        .contains("lifecycle rule \"AbortIncompleteMultipartUpload\"");
  }
}
