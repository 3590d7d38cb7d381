package io.litewake.s3;

import io.litewake.LitewakeException;
import io.litewake.s3.internal.AccessPointArn;
import io.litewake.s3.internal.S3Uri;
import java.net.URI;

/**
 * The minimal IAM policy of an {@code s3://} replica, as JSON ready to paste into IAM: {@code
 * s3:ListBucket} conditioned on the replica's prefix, and the object actions on the objects under
 * the prefix. With {@code sse=aws:kms} it adds the KMS actions on the key (on every key unless
 * {@code sse-kms-key-id} is an ARN). For an access point the resources are the access point's;
 * its bucket must delegate access to access points. Litewake needs no other action: no
 * HeadBucket, GetBucketLocation, CreateBucket, ListAllMyBuckets or ListMultipartUploads.
 *
 * <p>Three modes: {@link #replicate} (the default replicator), {@link #appendOnly} (a replicator
 * with {@code appendOnly()}: no {@code s3:DeleteObject}), {@link #restore} (read only). With the URI
 * parameters {@code object-lock-mode}/{@code object-lock-retention} the writing modes add {@code
 * s3:PutObjectRetention}. Client-side age encryption and rate limits need no permission.
 *
 * <pre>{@code
 * String replicate = S3IamPolicy.replicate(URI.create("s3://my-bucket/apps/orders"));
 * String appendOnly = S3IamPolicy.appendOnly(URI.create("s3://my-bucket/apps/orders"));
 * String restore = S3IamPolicy.restore(URI.create("s3://my-bucket/apps/orders"));
 * }</pre>
 */
public final class S3IamPolicy {

  private S3IamPolicy() {}

  /**
   * The policy a replicating process needs: {@code s3:ListBucket} on the prefix, {@code
   * s3:GetObject}, {@code s3:PutObject} and {@code s3:DeleteObject} on its objects (plus {@code
   * s3:PutObjectRetention} with Object Lock retention in the URI, and {@code kms:Decrypt} and {@code
   * kms:GenerateDataKey} with SSE-KMS).
   *
   * @param uri the replica URI, as given to {@link S3Replica#fromUri(URI)}; secrets in it are
   *     ignored and never printed
   * @return the policy document, JSON
   * @throws LitewakeException if the URI is malformed
   */
  public static String replicate(URI uri) {
    return policy(uri, Mode.REPLICATE);
  }

  /**
   * The policy a replicating process with {@code appendOnly()} needs: {@code s3:ListBucket} on the
   * prefix, {@code s3:GetObject} and {@code s3:PutObject} on its objects, and nothing that deletes
   * (plus {@code s3:PutObjectRetention} with Object Lock retention in the URI, and {@code
   * kms:Decrypt}/{@code kms:GenerateDataKey} with SSE-KMS).
   *
   * @param uri the replica URI; secrets in it are ignored and never printed
   * @return the policy document, JSON
   * @throws LitewakeException if the URI is malformed
   */
  public static String appendOnly(URI uri) {
    return policy(uri, Mode.APPEND_ONLY);
  }

  /**
   * The policy a restoring process needs: {@code s3:ListBucket} on the prefix and {@code
   * s3:GetObject} on its objects (plus {@code kms:Decrypt} with SSE-KMS); it cannot write or
   * delete anything.
   *
   * @param uri the replica URI, as given to {@link S3Replica#fromUri(URI)}; secrets in it are
   *     ignored and never printed
   * @return the policy document, JSON
   * @throws LitewakeException if the URI is malformed
   */
  public static String restore(URI uri) {
    return policy(uri, Mode.RESTORE);
  }

  private enum Mode { REPLICATE, APPEND_ONLY, RESTORE }

  private static String policy(URI uri, Mode mode) {
    boolean restoreOnly = mode == Mode.RESTORE;
    S3Uri parsed = S3Uri.parse(uri);
    AccessPointArn arn = parsed.accessPoint();
    String prefix = parsed.prefix();
    String listResource;
    String objectResource;
    if (arn != null) {
      listResource = arn.toString();
      objectResource = arn + "/object/" + (prefix.isEmpty() ? "" : prefix + "/") + "*";
    } else {
      String region = parsed.parameters().getOrDefault("region", "");
      String partition = region.startsWith("cn-") ? "aws-cn"
          : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
      listResource = "arn:" + partition + ":s3:::" + parsed.bucket();
      objectResource = listResource + "/" + (prefix.isEmpty() ? "" : prefix + "/") + "*";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    sb.append("    {\n      \"Sid\": \"LitewakeList\",\n      \"Effect\": \"Allow\",\n");
    sb.append("      \"Action\": [\"s3:ListBucket\"],\n");
    sb.append("      \"Resource\": \"").append(json(listResource)).append('"');
    if (!prefix.isEmpty()) {
      sb.append(",\n      \"Condition\": {\"StringLike\": {\"s3:prefix\": [\"")
          .append(json(prefix))
          .append("/*\"]}}");
    }
    sb.append("\n    },\n");
    sb.append("    {\n      \"Sid\": \"LitewakeObjects\",\n      \"Effect\": \"Allow\",\n");
    boolean locks = parsed.parameters().containsKey("object-lock-mode");
    sb.append(switch (mode) {
      case RESTORE -> "      \"Action\": [\"s3:GetObject\"],\n";
      case APPEND_ONLY -> "      \"Action\": [\"s3:GetObject\", \"s3:PutObject\""
          + (locks ? ", \"s3:PutObjectRetention\"" : "") + "],\n";
      case REPLICATE -> "      \"Action\": [\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\""
          + (locks ? ", \"s3:PutObjectRetention\"" : "") + "],\n";
    });
    sb.append("      \"Resource\": \"").append(json(objectResource)).append("\"\n    }");
    if ("aws:kms".equals(parsed.parameters().get("sse"))) {
      String key = parsed.parameters().get("sse-kms-key-id");
      String keyResource = key != null && key.startsWith("arn:") ? key : "*";
      sb.append(",\n    {\n      \"Sid\": \"LitewakeKms\",\n      \"Effect\": \"Allow\",\n");
      sb.append(restoreOnly
          ? "      \"Action\": [\"kms:Decrypt\"],\n"
          : "      \"Action\": [\"kms:Decrypt\", \"kms:GenerateDataKey\"],\n");
      sb.append("      \"Resource\": \"").append(json(keyResource)).append("\"\n    }");
    }
    sb.append("\n  ]\n}\n");
    return sb.toString();
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
