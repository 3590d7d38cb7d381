package io.litewake.testkit;

/**
 * One request as the endpoint of an {@link EmbeddedS3} saw it, for assertions on what a client
 * sent and what it got.
 *
 * @param method the HTTP method
 * @param operation the S3 operation, such as {@code PutObject}, {@code ListObjectsV2}, {@code
 *     UploadPart}, {@code DeleteObjects} or {@code HeadBucket}
 * @param action the IAM action it needs, such as {@code s3:PutObject}
 * @param bucket the bucket, or an empty string for a service-level call
 * @param key the object key, the list prefix, or the comma-separated keys of a batch delete
 * @param status the HTTP status the client got, or 0 if the connection was dropped
 * @param outcome {@code forwarded} (the server answered), {@code denied} (refused by the
 *     policy), or the injected fault: {@code SlowDown}, {@code InternalError}, {@code
 *     ServiceUnavailable} or {@code dropped}
 * @param delayMillis injected latency, 0 if none
 */
public record S3Request(String method, String operation, String action, String bucket, String key,
    int status, String outcome, long delayMillis) {

  /**
   * Whether the policy refused the request with {@code AccessDenied}.
   *
   * @return true if denied
   */
  public boolean denied() {
    return outcome.equals("denied");
  }

  /**
   * Whether an error or a dropped connection was injected instead of forwarding.
   *
   * @return true for an injected fault (latency alone does not count)
   */
  public boolean faulted() {
    return !outcome.equals("forwarded") && !outcome.equals("denied");
  }
}
