package io.litewake.testsupport;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An IAM-like policy an {@link S3Front} enforces: the S3 actions allowed on the keys under one
 * prefix of one bucket. A request is allowed when its action is allowed, its bucket is the
 * policy's, and: for {@value #LIST_BUCKET}, its list {@code prefix} starts with the policy's
 * prefix (IAM's {@code s3:prefix} condition); otherwise it names keys (a bucket-level call such as
 * {@code HeadBucket} names none and is refused) and every key starts with the prefix. Immutable.
 *
 * @param bucket the only bucket the policy names
 * @param prefix the key prefix, such as {@code apps/orders/} (trailing slash included); empty for
 *     the whole bucket
 * @param actions the allowed IAM actions, such as {@value #GET_OBJECT}
 */
public record AccessPolicy(String bucket, String prefix, Set<String> actions) {
  /** {@code s3:ListBucket}: listing keys (and HeadBucket, as AWS authorizes it). */
  public static final String LIST_BUCKET = "s3:ListBucket";
  /** {@code s3:GetObject}: reading an object or its metadata. */
  public static final String GET_OBJECT = "s3:GetObject";
  /** {@code s3:PutObject}: writing an object, multipart uploads included. */
  public static final String PUT_OBJECT = "s3:PutObject";
  /** {@code s3:DeleteObject}: deleting objects, one or in a batch. */
  public static final String DELETE_OBJECT = "s3:DeleteObject";
  /** {@code s3:AbortMultipartUpload}: abandoning a multipart upload. */
  public static final String ABORT_MULTIPART_UPLOAD = "s3:AbortMultipartUpload";

  /** The actions of Litewake's minimal replicate policy. */
  public static final Set<String> REPLICATE = Set.of(LIST_BUCKET, GET_OBJECT, PUT_OBJECT, DELETE_OBJECT);
  /** The actions of Litewake's minimal restore policy. */
  public static final Set<String> RESTORE = Set.of(LIST_BUCKET, GET_OBJECT);

  /**
   * Validates and copies.
   *
   * @param bucket see the record component
   * @param prefix see the record component
   * @param actions see the record component
   */
  public AccessPolicy {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    actions = Set.copyOf(actions);
  }

  /**
   * Whether a request is allowed.
   *
   * @param action the IAM action it needs
   * @param requestBucket its bucket, or null/empty for a service-level call
   * @param listPrefix for {@value #LIST_BUCKET}: the {@code prefix} parameter (empty if none)
   * @param keys the object keys it touches (several for a batch delete)
   * @return true if the policy allows it
   */
  public boolean permits(String action, String requestBucket, String listPrefix, List<String> keys) {
    if (!actions.contains(action) || !bucket.equals(requestBucket)) {
      return false;
    }
    if (action.equals(LIST_BUCKET)) {
      return listPrefix != null && listPrefix.startsWith(prefix);
    }
    if (keys.isEmpty()) {
      return false; // a bucket-level call the policy does not name
    }
    return keys.stream().allMatch(k -> k.startsWith(prefix));
  }
}
