package io.litewake.testkit;

import io.litewake.testsupport.S3Call;

/**
 * One request as the endpoint of an {@link EmbeddedS3} saw it, for assertions on what a client
 * sent and what it got.
 *
 * @param method the HTTP method
 * @param operation the S3 operation, such as {@code PutObject}, {@code ListObjectsV2}, {@code
 *     UploadPart}, {@code DeleteObjects} or {@code HeadBucket}
 * @param action the IAM action it needs, such as {@code s3:PutObject} ({@code HeadBucket}: {@code
 *     s3:ListBucket}, as AWS authorizes it)
 * @param bucket the bucket, or an empty string for a service-level call
 * @param key the object key, the list prefix, or the comma-separated keys of a batch delete
 * @param status the HTTP status the client got, or 0 if the connection was dropped
 * @param outcome {@code forwarded} (the server answered), {@code denied} (refused by the
 *     policy), {@code refused} (a chunked body, refused with {@code 501} as S3 does), or the
 *     injected fault: {@code SlowDown}, {@code InternalError}, {@code ServiceUnavailable} or
 *     {@code dropped}
 * @param delayMillis injected latency, 0 if none
 */
public record S3Request(String method, String operation, String action, String bucket, String key,
    int status, String outcome, long delayMillis) {

  /** The request as the front recorded it. */
  static S3Request of(S3Call c) {
    return new S3Request(c.method(), c.operation(), c.action(), c.bucket(), c.key(), c.status(), c.outcome(),
        c.delayMillis());
  }

  /**
   * Whether the policy refused the request with {@code AccessDenied}.
   *
   * @return true if denied
   */
  public boolean denied() {
    return outcome.equals("denied");
  }

  /**
   * Whether an error or a dropped connection was injected (or the request refused) instead of
   * forwarding it.
   *
   * @return true for an injected fault (latency alone does not count) or a refused request
   */
  public boolean faulted() {
    return !outcome.equals("forwarded") && !outcome.equals("denied");
  }
}
