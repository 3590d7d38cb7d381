package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** URI parsing, access point resolution and builder validation; no server. */
class UriAndBuilderTest {

  /** Captures the first request the SDK would send, and stops it there. */
  static final class Capture implements ExecutionInterceptor {
    final AtomicReference<SdkHttpRequest> request = new AtomicReference<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      request.compareAndSet(null, context.httpRequest());
      throw new IllegalStateException("captured; not sending");
    }
  }

  static SdkHttpRequest firstRequest(S3Replica.Builder builder, String listPrefix) {
    Capture capture = new Capture();
    try (S3Replica r = builder.addInterceptor(capture).maxAttempts(1).build()) {
      assertThatThrownBy(() -> r.list(listPrefix)).isInstanceOf(IOException.class);
    }
    assertThat(capture.request.get()).as("a request was built").isNotNull();
    return capture.request.get();
  }

  static String signingRegion(SdkHttpRequest request) {
    String auth = request.firstMatchingHeader("Authorization").orElseThrow();
    return auth.replaceAll(".*Credential=[^/]+/\\d{8}/([^/]+)/s3/.*", "$1");
  }

  @Test
  void accessPointArnResolvesToTheAccessPointEndpointAndRegion() {
    URI uri = URI.create("s3://arn:aws:s3:eu-central-1:123456789012:accesspoint/orders-ap/apps/orders"
        + "?access-key=AKIAEXAMPLE&secret-access-key=secret");
    SdkHttpRequest req = firstRequest(S3Replica.fromUri(uri), "generations/");
    assertThat(req.host()).isEqualTo("orders-ap-123456789012.s3-accesspoint.eu-central-1.amazonaws.com");
    assertThat(req.protocol()).isEqualTo("https");
    assertThat(req.rawQueryParameters().get("prefix")).containsExactly("apps/orders/generations/");
    assertThat(signingRegion(req)).isEqualTo("eu-central-1");
  }

  @Test
  void accessPointInChinaPartitionAndRootPrefix() {
    URI uri = URI.create("s3://arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap1"
        + "?access-key=AKIAEXAMPLE&secret-access-key=secret");
    SdkHttpRequest req = firstRequest(S3Replica.fromUri(uri), "");
    assertThat(req.host()).isEqualTo("ap1-123456789012.s3-accesspoint.cn-north-1.amazonaws.com.cn");
    assertThat(req.rawQueryParameters()).doesNotContainKey("prefix");
    assertThat(signingRegion(req)).isEqualTo("cn-north-1");
  }

  @Test
  void accessPointWithMatchingRegionParameterAndMismatchIsAnError() {
    URI ok = URI.create("s3://arn:aws:s3:us-west-2:123456789012:accesspoint/ap1/db?region=us-west-2"
        + "&access-key=a&secret-access-key=b");
    assertThat(firstRequest(S3Replica.fromUri(ok), "").host())
        .isEqualTo("ap1-123456789012.s3-accesspoint.us-west-2.amazonaws.com");
    URI bad = URI.create("s3://arn:aws:s3:us-west-2:123456789012:accesspoint/ap1/db?region=eu-west-1"
        + "&access-key=a&secret-access-key=b");
    assertThatThrownBy(() -> S3Replica.fromUri(bad).build())
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("region eu-west-1 differs from the access point's region us-west-2");
  }

  @Test
  void bucketUriOnAwsIsVirtualHostedInTheGivenRegion() {
    URI uri = URI.create("s3://my-bucket/apps/orders?region=ap-southeast-2&access-key=a&secret-access-key=b");
    SdkHttpRequest req = firstRequest(S3Replica.fromUri(uri), "");
    assertThat(req.host()).isEqualTo("my-bucket.s3.ap-southeast-2.amazonaws.com");
    assertThat(req.rawQueryParameters().get("prefix")).containsExactly("apps/orders/");
    assertThat(signingRegion(req)).isEqualTo("ap-southeast-2");
  }

  @Test
  void customEndpointIsPathStyleByDefault() {
    URI uri = URI.create("s3://b/p?endpoint=http://127.0.0.1:9/&access-key=a&secret-access-key=b");
    SdkHttpRequest req = firstRequest(S3Replica.fromUri(uri), "");
    assertThat(req.host()).isEqualTo("127.0.0.1");
    assertThat(req.encodedPath()).isEqualTo("/b");
    URI vhost = URI.create("s3://bkt/p?endpoint=http://store.example:9&force-path-style=false&access-key=a&secret-access-key=b");
    assertThat(firstRequest(S3Replica.fromUri(vhost), "").host()).isEqualTo("bkt.store.example");
  }

  @Test
  void malformedArnsAreExplained() {
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://arn:aws:s3:us-east-1:12345:accesspoint/ap")))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("bad account id '12345'");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://arn:aws:s3:us-east-1:123456789012:bucket/b")))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("only S3 access points");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://arn:aws:sqs:us-east-1:123456789012:accesspoint/x")))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("service 'sqs'");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://arn:aws:s3:mars:123456789012:accesspoint/ap")))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("bad region 'mars'");
  }

  @Test
  void unknownParameterNamesItAndListsValidOnes() {
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?endpoint=http://x:1&path-style=true")))
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("unknown query parameter 'path-style'")
        .hasMessageContaining("endpoint, region, force-path-style, storage-class, sse, sse-kms-key-id,"
            + " access-key, secret-access-key");
  }

  @Test
  void badParameterValuesAreNamed() {
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?force-path-style=yes")))
        .hasMessageContaining("force-path-style must be true or false, not 'yes'");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?storage-class=COLD")))
        .hasMessageContaining("unknown storage-class 'COLD'").hasMessageContaining("STANDARD_IA");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?sse=DES")))
        .hasMessageContaining("sse must be AES256 or aws:kms, not 'DES'");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?sse-kms-key-id=k1")))
        .hasMessageContaining("sse-kms-key-id is given without sse=aws:kms");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?access-key=AKIAXXXX")))
        .hasMessageContaining("access-key and secret-access-key go together");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?region=us-east-1&region=us-west-1")))
        .hasMessageContaining("'region' is given twice");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3://b/p?endpoint=ftp://x")))
        .hasMessageContaining("endpoint must be an http:// or https:// URL");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("s3:///p")))
        .hasMessageContaining("has no bucket");
    assertThatThrownBy(() -> S3Replica.fromUri(URI.create("file:///tmp/x")))
        .hasMessageContaining("not an s3 replica URI");
  }

  @Test
  void secretsAreMaskedInMessagesAndLocation() {
    URI uri = URI.create("s3://b/p?sse=DES&access-key=AKIASECRETKEYID&secret-access-key=topsecret%2Bvalue");
    assertThatThrownBy(() -> S3Replica.fromUri(uri))
        .hasMessageContaining("&access-key=****&")
        .hasMessageContaining("secret-access-key=****")
        .hasMessageNotContaining("topsecret")
        .hasMessageNotContaining("SECRETKEYID");
    URI good = URI.create("s3://b/p?endpoint=http://127.0.0.1:9&access-key=AKIASECRETKEYID&secret-access-key=topsecret");
    try (S3Replica r = S3Replica.fromUri(good).build()) {
      assertThat(r.location()).isEqualTo(
          "s3://b/p?endpoint=http://127.0.0.1:9&access-key=****&secret-access-key=****");
      assertThat(r.toString()).doesNotContain("topsecret");
    }
  }

  @Test
  void percentEncodedSecretsAndPlusSignsSurvive() {
    URI uri = URI.create("s3://b/p?endpoint=http://127.0.0.1:9&access-key=AK&secret-access-key=a+b%2Fc");
    // the signature is computed with the decoded secret: compare against a builder given the raw one
    SdkHttpRequest viaUri = firstRequest(S3Replica.fromUri(uri), "");
    assertThat(viaUri.firstMatchingHeader("Authorization")).isPresent();
    assertThat(S3Replica.fromUri(uri)).isNotNull();
  }

  @Test
  void builderRejectsBadValuesAtOnceNamingThem() {
    S3Replica.Builder b = S3Replica.builder();
    assertThatThrownBy(() -> b.partSize(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not -1");
    assertThatThrownBy(() -> b.partSize(1024)).hasMessageContaining("not 1024");
    assertThatThrownBy(() -> b.uploadConcurrency(0)).hasMessageContaining("not 0");
    assertThatThrownBy(() -> b.downloadConcurrency(-3)).hasMessageContaining("not -3");
    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("not 0");
    assertThatThrownBy(() -> b.bucket(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket must not be null");
    assertThatThrownBy(() -> b.bucket("bad bucket")).hasMessageContaining("'bad bucket'");
    assertThatThrownBy(() -> b.prefix("a//b")).hasMessageContaining("a//b");
    assertThatThrownBy(() -> b.region("Not A Region")).hasMessageContaining("'Not A Region'");
    assertThatThrownBy(() -> b.endpoint(URI.create("s3://x"))).hasMessageContaining("'s3://x'");
    assertThatThrownBy(() -> b.sseCustomerKey(new byte[16])).hasMessageContaining("not 16");
    assertThatThrownBy(() -> b.storageClass(null)).hasMessageContaining("storageClass must not be null");
    assertThatThrownBy(() -> b.credentials("", "x")).hasMessageContaining("must not be empty");

    b.bucket("b").region("eu-west-1").partSize(6 * 1024 * 1024).sseS3().snapshotStorageClass(StorageClass.STANDARD_IA);
    assertThatThrownBy(() -> b.bucket("c")).hasMessageContaining("bucket was already set to b");
    assertThatThrownBy(() -> b.region("us-east-1")).hasMessageContaining("region was already set to eu-west-1");
    assertThatThrownBy(() -> b.partSize(6 * 1024 * 1024)).hasMessageContaining("partSize was already set to 6291456");
    assertThatThrownBy(() -> b.sseKms("k")).hasMessageContaining("already set to SSE-S3; cannot also set SSE-KMS");
    assertThatThrownBy(() -> b.storageClass(StorageClass.GLACIER)).hasMessageContaining("storage class was already set");
    assertThatThrownBy(() -> b.snapshotStorageClass(StorageClass.GLACIER)).hasMessageContaining("already set to STANDARD_IA");
  }

  @Test
  void buildChecksOptionsAgainstEachOther() {
    assertThatThrownBy(() -> S3Replica.builder().build())
        .isInstanceOf(LitewakeException.class).hasMessageContaining("no bucket");
    try (S3AsyncClient own = S3AsyncClient.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
        .build()) {
      assertThatThrownBy(() -> S3Replica.builder().bucket("b").client(own).region("eu-west-1").maxAttempts(2).build())
          .isInstanceOf(LitewakeException.class)
          .hasMessageContaining("[region, maxAttempts]")
          .hasMessageContaining("configure it on your client instead");
      // the user's client is used as is, and not closed by the replica
      S3Replica r = S3Replica.builder().bucket("b").client(own).build();
      r.close();
      assertThat(own.serviceName()).isEqualTo("s3");
    }
    assertThatThrownBy(() -> S3Replica.builder().bucket("arn:aws:s3:us-east-1:123456789012:accesspoint/ap1")
        .forcePathStyle(true).build())
        .isInstanceOf(LitewakeException.class).hasMessageContaining("path-style");
  }
}
