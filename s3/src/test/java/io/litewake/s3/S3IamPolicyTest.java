package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** The minimal IAM policies of {@link S3IamPolicy}; no server. */
class S3IamPolicyTest {

  @Test
  void bucketPrefixReplicateAndRestore() {
    URI uri = URI.create("s3://my-bucket/apps/orders?region=eu-west-1&access-key=a&secret-access-key=b");
    String replicate = S3IamPolicy.replicate(uri);
    JsonNode doc = JsonNode.parser().parse(replicate);
    List<JsonNode> statements = doc.field("Statement").orElseThrow().asArray();
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).field("Action").orElseThrow().asArray()).extracting(JsonNode::asString)
        .containsExactly("s3:ListBucket");
    assertThat(statements.get(0).field("Resource").orElseThrow().asString()).isEqualTo("arn:aws:s3:::my-bucket");
    assertThat(statements.get(0).field("Condition").orElseThrow().field("StringLike").orElseThrow()
        .field("s3:prefix").orElseThrow().asArray().get(0).asString()).isEqualTo("apps/orders/*");
    assertThat(statements.get(1).field("Action").orElseThrow().asArray()).extracting(JsonNode::asString)
        .containsExactly("s3:GetObject", "s3:PutObject", "s3:DeleteObject");
    assertThat(statements.get(1).field("Resource").orElseThrow().asString())
        .isEqualTo("arn:aws:s3:::my-bucket/apps/orders/*");
    assertThat(replicate).doesNotContain("secret").doesNotContain("HeadBucket").doesNotContain("GetBucketLocation");

    JsonNode restore = JsonNode.parser().parse(S3IamPolicy.restore(uri));
    assertThat(restore.field("Statement").orElseThrow().asArray().get(1).field("Action").orElseThrow()
        .asArray()).extracting(JsonNode::asString).containsExactly("s3:GetObject");
  }

  @Test
  void accessPointAndKms() {
    URI uri = URI.create("s3://arn:aws:s3:us-east-2:123456789012:accesspoint/ap1/db"
        + "?sse=aws:kms&sse-kms-key-id=arn:aws:kms:us-east-2:123456789012:key/k-1");
    JsonNode doc = JsonNode.parser().parse(S3IamPolicy.replicate(uri));
    List<JsonNode> st = doc.field("Statement").orElseThrow().asArray();
    assertThat(st.get(0).field("Resource").orElseThrow().asString())
        .isEqualTo("arn:aws:s3:us-east-2:123456789012:accesspoint/ap1");
    assertThat(st.get(1).field("Resource").orElseThrow().asString())
        .isEqualTo("arn:aws:s3:us-east-2:123456789012:accesspoint/ap1/object/db/*");
    assertThat(st.get(2).field("Resource").orElseThrow().asString())
        .isEqualTo("arn:aws:kms:us-east-2:123456789012:key/k-1");
    assertThat(st.get(2).field("Action").orElseThrow().asArray()).extracting(JsonNode::asString)
        .containsExactly("kms:Decrypt", "kms:GenerateDataKey");
  }

  @Test
  void restoreOnlyReadsAndDecrypts() {
    URI uri = URI.create("s3://b/p?region=us-gov-west-1&sse=aws:kms");
    List<JsonNode> st = JsonNode.parser().parse(S3IamPolicy.restore(uri)).field("Statement").orElseThrow().asArray();
    assertThat(st).hasSize(3);
    assertThat(st.get(0).field("Resource").orElseThrow().asString()).isEqualTo("arn:aws-us-gov:s3:::b");
    assertThat(st.get(1).field("Action").orElseThrow().asArray()).extracting(JsonNode::asString)
        .containsExactly("s3:GetObject");
    assertThat(st.get(2).field("Action").orElseThrow().asArray()).extracting(JsonNode::asString)
        .containsExactly("kms:Decrypt");
    assertThat(st.get(2).field("Resource").orElseThrow().asString()).isEqualTo("*");
  }

  @Test
  void bothModesPrintTheJsonIamPolicyPrintedBeforeThem() throws IOException {
    // iam-policies.txt holds what S3Replica.iamPolicy(uri, restoreOnly) printed, byte for byte
    Map<String, String> golden = new LinkedHashMap<>();
    String key = null;
    StringBuilder doc = new StringBuilder();
    try (InputStream in = S3IamPolicyTest.class.getResourceAsStream("iam-policies.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.startsWith("=== ") || line.isEmpty()) {
          if (key != null) {
            golden.put(key, doc.toString());
          }
          key = line.isEmpty() ? null : line.substring(4);
          doc.setLength(0);
        } else {
          doc.append(line).append('\n');
        }
      }
    }
    assertThat(golden).hasSize(8);
    golden.forEach((what, expected) -> {
      URI uri = URI.create(what.substring(0, what.lastIndexOf(' ')));
      String actual = what.endsWith(" restore") ? S3IamPolicy.restore(uri) : S3IamPolicy.replicate(uri);
      assertThat(actual).as(what).isEqualTo(expected);
    });
  }

  @Test
  void aMalformedUriIsRejectedWithoutItsSecrets() {
    assertThatThrownBy(() -> S3IamPolicy.replicate(URI.create("s3:///p?secret-access-key=hunter2")))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("has no bucket")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> S3IamPolicy.restore(URI.create("file:///tmp/x")))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("not an s3 replica URI");
  }
}
