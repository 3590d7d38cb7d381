package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * No secret of a replica URI reaches a message, the location or {@code toString()}, and every
 * masked secret looks the same: {@code ****}, whole. No server: the failing calls are stopped
 * before they are sent.
 */
class SecretsMaskedTest {

  static final String KEY_ID = "AKIAKEYIDVALUE77";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYz";
  static final String ENDPOINT_PASSWORD = "endpointpw55";
  static final String BASE = "s3://bkt/apps/orders?endpoint=http://ops:" + ENDPOINT_PASSWORD + "@127.0.0.1:9"
      + "&access-key=" + KEY_ID + "&secret-access-key=" + SECRET.replace("/", "%2F").replace("+", "%2B");

  /** Answers every request with an S3 error before it is sent. */
  static final class Refuse implements ExecutionInterceptor {
    final String code;

    Refuse(String code) {
      this.code = code;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      throw S3Exception.builder().statusCode(403).message(code)
          .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
  }

  static void assertMasked(String text) {
    assertThat(text).doesNotContain(KEY_ID).doesNotContain(KEY_ID.substring(0, 8))
        .doesNotContain(SECRET).doesNotContain("wJalrXUtnFEMI").doesNotContain(ENDPOINT_PASSWORD);
    Matcher stars = Pattern.compile("\\*+").matcher(text);
    while (stars.find()) {
      assertThat(stars.group()).as("every mask in: " + text).isEqualTo("****");
    }
  }

  @Test
  void locationAndToStringMaskEverySecretTheSameWay() {
    try (S3Replica r = S3Replica.fromUri(URI.create(BASE)).build()) {
      assertThat(r.location()).isEqualTo(
          "s3://bkt/apps/orders?endpoint=http://****@127.0.0.1:9&access-key=****&secret-access-key=****");
      assertThat(r.toString()).isEqualTo("S3Replica[" + r.location() + "]");
      assertMasked(r.toString());
    }
  }

  @Test
  void badUriMessagesMaskEverySecret() {
    List<String> messages = new ArrayList<>();
    for (String bad : List.of(BASE + "&sse=DES", BASE + "&storage-class=COLD", BASE + "&nope=1",
        BASE + "&region=Bad_Region", BASE + "&region=eu-west-1&region=eu-west-2", BASE + "&force-path-style=maybe",
        BASE.replace("s3://bkt/", "s3://arn:aws:s3:us-east-1:1:accesspoint/ap/"),
        BASE.replace("s3://bkt/", "s3://" + KEY_ID + ":" + SECRET.replace("/", "%2F") + "@bkt/"),
        BASE.replace("endpoint=http://", "endpoint=ftp://"))) {
      Throwable t = catchThrowable(() -> S3Replica.fromUri(URI.create(bad)).build());
      assertThat(t).as(bad).isNotNull();
      messages.add(t.getMessage());
    }
    assertThat(messages).allSatisfy(SecretsMaskedTest::assertMasked).allMatch(m -> m.contains("****"));
  }

  @Test
  void builderMessagesMaskTheEndpointAndTheAccessKey() {
    S3Replica.Builder b = S3Replica.fromUri(URI.create(BASE));
    assertThatThrownBy(() -> b.endpoint(URI.create("http://127.0.0.1:10")))
        .hasMessageContaining("endpoint was already set to http://****@127.0.0.1:9")
        .satisfies(e -> assertMasked(e.getMessage()));
    assertThatThrownBy(() -> b.credentials("AKIAOTHER", "other"))
        .hasMessageContaining("credentials was already set to the static credentials (access key ****)")
        .satisfies(e -> assertMasked(e.getMessage()));
    assertThatThrownBy(() -> S3Replica.builder().endpoint(URI.create("ftp://u:" + ENDPOINT_PASSWORD + "@x")))
        .hasMessageContaining("ftp://****@x").satisfies(e -> assertMasked(e.getMessage()));
    try (S3AsyncClient own = S3AsyncClient.builder().region(Region.US_EAST_1).build()) {
      assertThatThrownBy(() -> S3Replica.builder().bucket("b")
          .endpoint(URI.create("http://u:" + ENDPOINT_PASSWORD + "@127.0.0.1:9")).client(own).build())
          .hasMessageContaining("for s3://b?endpoint=http://****@127.0.0.1:9: [endpoint]")
          .satisfies(e -> assertMasked(e.getMessage()));
    }
  }

  @Test
  void errorMessagesOfFailedCallsMaskEverySecret() {
    for (String code : List.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket")) {
      try (S3Replica r = S3Replica.fromUri(URI.create(BASE)).addInterceptor(new Refuse(code)).maxAttempts(1).build()) {
        assertThatThrownBy(() -> r.list("generations/"))
            .as(code)
            .isInstanceOf(IOException.class)
            .satisfies(e -> assertMasked(e.getMessage()))
            .hasMessageContaining("****");
      }
    }
  }
}
