package io.litewake.testsupport;

import java.util.Map;

/**
 * One request as an {@link S3Front} saw it, for assertions on what a client sent and got.
 *
 * @param method the HTTP method
 * @param target the request target (path and query)
 * @param operation the S3 operation, such as {@code PutObject}, {@code ListObjectsV2}, {@code
 *     UploadPart}, {@code DeleteObjects} or {@code HeadBucket}
 * @param action the IAM action it needs, such as {@code s3:PutObject} ({@code HeadBucket}:
 *     {@code s3:ListBucket}, as AWS authorizes it)
 * @param bucket the bucket, or an empty string for a service-level call
 * @param key the object key, the list prefix, or the comma-separated keys of a batch delete
 * @param headers the request headers tests check: {@code content-md5}, {@code content-length},
 *     {@code x-amz-storage-class}, {@code if-none-match}, the {@code x-amz-object-lock-*} ones and
 *     the {@code x-amz-server-side-encryption*} ones (a customer key masked as {@code ****}); names
 *     in lower case
 * @param status the HTTP status the client got, or 0 if the connection was dropped or lost
 * @param outcome {@code forwarded} (the server answered), {@code denied} (refused by the
 *     policy), {@code wrong-region}, {@code refused} (a chunked body), the error code a {@link
 *     BucketRules} rule answered ({@code InvalidObjectState}, {@code InvalidRequest}), or an injected fault's
 *     {@linkplain FaultSchedule.Kind#code() code}: {@code SlowDown}, {@code InternalError},
 *     {@code ServiceUnavailable}, {@code dropped}
 * @param delayMillis injected latency, 0 if none
 */
public record S3Call(String method, String target, String operation, String action, String bucket, String key,
    Map<String, String> headers, int status, String outcome, long delayMillis) {

  /** The outcome of a request the server answered. */
  public static final String FORWARDED = "forwarded";
  /** The outcome of a request the policy refused. */
  public static final String DENIED = "denied";

  /**
   * Copies the headers.
   *
   * @param method see the record component
   * @param target see the record component
   * @param operation see the record component
   * @param action see the record component
   * @param bucket see the record component
   * @param key see the record component
   * @param headers see the record component
   * @param status see the record component
   * @param outcome see the record component
   * @param delayMillis see the record component
   */
  public S3Call {
    headers = Map.copyOf(headers);
  }

  /**
   * Whether the policy refused it with {@code 403 AccessDenied}.
   *
   * @return true if denied
   */
  public boolean denied() {
    return outcome.equals(DENIED);
  }

  /**
   * Whether the front answered it itself (an injected error or drop, a wrong region, a refused
   * body) instead of forwarding it; a policy denial does not count.
   *
   * @return true for such an answer (latency alone does not count)
   */
  public boolean faulted() {
    return !outcome.equals(FORWARDED) && !outcome.equals(DENIED);
  }
}
