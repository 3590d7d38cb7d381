package io.litewake.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The front against s3mock, through the AWS SDK and through a raw socket. */
class S3FrontTest {
  static S3MockServer server;
  static final String BUCKET = "front-test";

  @BeforeAll
  static void start() {
    server = S3MockServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A client like {@link S3Server#client()} but through the front. */
  static S3Client through(S3Front front) {
    return S3Client.builder()
        .endpointOverride(front.endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
        .forcePathStyle(true)
        .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD)
            .retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  @Test
  void headBucketNeedsListBucketAsOnAws() {
    try (S3Front front = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(BUCKET, "", Set.of(AccessPolicy.LIST_BUCKET))).start();
        S3Client c = through(front)) {
      c.headBucket(b -> b.bucket(BUCKET));
      front.policy(new AccessPolicy(BUCKET, "apps/", AccessPolicy.REPLICATE));
      assertThatThrownBy(() -> c.headBucket(b -> b.bucket(BUCKET))).isInstanceOf(S3Exception.class);
      assertThat(front.requests()).extracting(S3Call::operation, S3Call::action, S3Call::outcome).containsExactly(
          org.assertj.core.groups.Tuple.tuple("HeadBucket", "s3:ListBucket", "forwarded"),
          org.assertj.core.groups.Tuple.tuple("HeadBucket", "s3:ListBucket", "denied"));
    }
  }

  @Test
  void policyScopesKeysAndListPrefixes() {
    try (S3Front front = S3Front.builder(server.endpoint())
        .policy(new AccessPolicy(BUCKET, "apps/", AccessPolicy.REPLICATE)).start();
        S3Client c = through(front)) {
      c.putObject(b -> b.bucket(BUCKET).key("apps/a"), RequestBody.fromString("x"));
      c.listObjectsV2(b -> b.bucket(BUCKET).prefix("apps/"));
      assertThatThrownBy(() -> c.putObject(b -> b.bucket(BUCKET).key("other/a"), RequestBody.fromString("x")))
          .isInstanceOf(S3Exception.class).hasMessageContaining("Access Denied");
      assertThatThrownBy(() -> c.listObjectsV2(b -> b.bucket(BUCKET).prefix("other/")))
          .isInstanceOf(S3Exception.class);
      assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("another-bucket").key("apps/a")))
          .isInstanceOf(S3Exception.class);
      c.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(o -> o.key("apps/a"))));
      assertThat(front.denied()).extracting(S3Call::operation).containsExactly("PutObject", "ListObjectsV2",
          "GetObject");
      assertThat(front.requests()).filteredOn(r -> r.operation().equals("DeleteObjects")).singleElement()
          .satisfies(r -> assertThat(r.key()).isEqualTo("apps/a"))
          .satisfies(r -> assertThat(r.status()).isEqualTo(200));
    }
  }

  @Test
  void faultsComeInOrderAndAreRecorded() {
    FaultSchedule faults = new FaultSchedule().add(FaultSchedule.Kind.SLOW_DOWN, 1)
        .add(FaultSchedule.Kind.INTERNAL_ERROR, 1).add(FaultSchedule.Kind.DROP, 1)
        .latency(Duration.ofMillis(200), 1);
    try (S3Front front = S3Front.builder(server.endpoint()).faults(faults).start(); S3Client c = through(front)) {
      assertThatThrownBy(() -> c.headBucket(b -> b.bucket(BUCKET))).isInstanceOf(S3Exception.class);
      assertThatThrownBy(() -> c.listObjectsV2(b -> b.bucket(BUCKET))).isInstanceOf(S3Exception.class)
          .hasMessageContaining("Status Code: 500");
      try {
        c.listObjectsV2(b -> b.bucket(BUCKET)); // HttpURLConnection may retry a dropped GET by itself
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        // dropped
      }
      c.listObjectsV2(b -> b.bucket(BUCKET));
      assertThat(front.requests()).extracting(S3Call::outcome).startsWith("SlowDown", "InternalError", "dropped")
          .endsWith("forwarded");
      assertThat(front.requests()).extracting(S3Call::status).startsWith(503, 500, 0).endsWith(200);
      assertThat(front.requests().get(0).delayMillis()).isEqualTo(200);
      assertThat(faults.injected()).isEqualTo(3);
      assertThat(faults.active()).isFalse();
    }
  }

  @Test
  void keepsClientConnectionsAliveAndCountsWhatClientsSend() throws Exception {
    server.client().putObject(b -> b.bucket(BUCKET).key("k"), RequestBody.fromString("hello"));
    try (S3Front front = S3Front.builder(server.endpoint()).start();
        Socket s = new Socket(front.endpoint().getHost(), front.endpoint().getPort())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      String get = "GET /" + BUCKET + "/k HTTP/1.1\r\nHost: x\r\n\r\n";
      String put = "PUT /" + BUCKET + "/k2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n";
      out.write(get.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("hello");
      out.write(put.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readHead(in)).startsWith("HTTP/1.1 100");
      out.write("abc".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
      out.write(get.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertThat(readResponse(in)).endsWith("hello");
      S3Front.Counts counts = front.counts();
      assertThat(counts.requests()).isEqualTo(3);
      assertThat(counts.bodyBytes()).isEqualTo(3);
      assertThat(counts.bytesUp()).isEqualTo(2L * get.length() + put.length() + 3);
      assertThat(counts.byKind()).containsEntry("GET", 2L).containsEntry("PUT", 1L);
      assertThat(front.awaitQuiet(Duration.ofMillis(100), Duration.ofSeconds(5))).isTrue();
    }
    assertThat(new String(server.client().getObjectAsBytes(b -> b.bucket(BUCKET).key("k2")).asByteArray(),
        StandardCharsets.UTF_8)).isEqualTo("abc");
  }

  @Test
  void chunkedBodiesAreRefusedAsS3Does() throws Exception {
    try (S3Front front = S3Front.builder(server.endpoint()).start();
        Socket s = new Socket(front.endpoint().getHost(), front.endpoint().getPort())) {
      s.getOutputStream().write(("PUT /" + BUCKET + "/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 501").contains("NotImplemented");
      assertThat(front.requests()).extracting(S3Call::outcome).containsExactly("refused");
    }
  }

  @Test
  void wrongRegionIsAnsweredAsS3Does() {
    try (S3Front front = S3Front.builder(server.endpoint()).bucketRegion("eu-west-3").start();
        S3Client c = through(front)) {
      assertThatThrownBy(() -> c.listObjectsV2(b -> b.bucket(BUCKET))).isInstanceOf(S3Exception.class)
          .hasMessageContaining("eu-west-3");
      assertThat(front.requests()).extracting(S3Call::status).containsExactly(400);
    }
  }

  @Test
  void replicaUrisCarryEndpointRegionPathStyleAndEncodedCredentials() {
    URI uri = server.replicaUri(URI.create("http://127.0.0.1:9"), "b", "apps/x");
    assertThat(uri.toString()).isEqualTo("s3://b/apps/x?endpoint=http%3A%2F%2F127.0.0.1%3A9&region=us-east-1"
        + "&force-path-style=true&access-key=litewake-test-key&secret-access-key=litewake%2Ftest%2Bsecret%3D");
    assertThat(server.replicaUri("b", "")).hasPath("");
  }

  static String readHead(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      sb.append((char) b);
    }
    return sb.toString();
  }

  static String readResponse(InputStream in) throws Exception {
    String head = readHead(in);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }
}
