package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Every secret becomes {@code ****}, whole; nothing else changes. */
class RedactTest {

  @Test
  void everySecretParameterValueBecomesTheOneMask() {
    URI uri = URI.create("s3://b/p?endpoint=http://127.0.0.1:9&access-key=AKIASECRETKEYID"
        + "&secret-access-key=top%2Bsecret&session-token=tok&sse-customer-key=ck&password=pw&region=eu-west-1");
    assertThat(Redact.uri(uri)).isEqualTo("s3://b/p?endpoint=http://127.0.0.1:9&access-key=****"
        + "&secret-access-key=****&session-token=****&sse-customer-key=****&password=****&region=eu-west-1");
  }

  @Test
  void namesMatchIgnoringCaseAndPercentEncoding() {
    assertThat(Redact.text("s3://b/p?Secret-Access-Key=s1&ACCESS-KEY=a1&secret%2Daccess%2Dkey=s2"))
        .isEqualTo("s3://b/p?Secret-Access-Key=****&ACCESS-KEY=****&secret%2Daccess%2Dkey=****");
  }

  @Test
  void userInformationOfAUrlIsMasked() {
    assertThat(Redact.text("bad endpoint 'https://user:hunter2@store.example:9000/x' in s3://b/p?a=b"))
        .isEqualTo("bad endpoint 'https://****@store.example:9000/x' in s3://b/p?a=b");
    assertThat(Redact.text("s3://b/p?endpoint=http://k:s@host:9&access-key=a"))
        .isEqualTo("s3://b/p?endpoint=http://****@host:9&access-key=****");
  }

  @Test
  void aSecretQuotedInAMessageEndsAtABlankOrFragment() {
    assertThat(Redact.text("bad URI s3://b/p?secret-access-key=hunter2 (x) and file:///d#f"))
        .isEqualTo("bad URI s3://b/p?secret-access-key=**** (x) and file:///d#f");
    assertThat(Redact.text("s3://b/p?password=pw#frag")).isEqualTo("s3://b/p?password=****#frag");
  }

  @Test
  void textWithoutSecretsIsUnchanged() {
    String plain = "s3://arn:aws:s3:us-east-1:123456789012:accesspoint/ap/db?region=us-east-1&sse=aws:kms";
    assertThat(Redact.text(plain)).isEqualTo(plain);
    assertThat(Redact.text("file:///tmp/x")).isEqualTo("file:///tmp/x");
    assertThat(Redact.text(null)).isNull();
    assertThat(Redact.uri(null)).isEqualTo("null");
  }

  @Test
  void replicaUriMessagesOfCoreMaskSecrets() {
    assertThatThrownBy(() -> new FileReplicaProvider().open(URI.create("file:///tmp/r?secret-access-key=hunter2")))
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("file:///tmp/r?secret-access-key=****")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> new FileReplicaProvider().open(URI.create("file://user:hunter2@host/tmp/r")))
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("file://****@host/tmp/r")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> Replicas.open(URI.create("bucket/p?access-key=AKIAHUNTER2")))
        .isInstanceOf(LitewakeException.class)
        .hasMessageContaining("access-key=****")
        .hasMessageNotContaining("HUNTER2");
  }
}
