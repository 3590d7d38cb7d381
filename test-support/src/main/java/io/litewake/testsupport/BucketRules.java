package io.litewake.testsupport;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the bucket behind an {@link S3Front} answers where S3 itself would refuse a request that
 * a plain test server accepts: objects in an archive storage class, and buckets with (or without)
 * S3 Object Lock. The front consults it after the policy, before forwarding; each rule answers as
 * S3 does, status, code and message.
 *
 * <ul>
 *   <li>{@link #archive(String, String)}: a {@code GetObject} of a key under the prefix is answered
 *       {@code 403 InvalidObjectState} naming the storage class (as S3 answers for {@code GLACIER},
 *       {@code DEEP_ARCHIVE}, or the archive tiers of {@code INTELLIGENT_TIERING}, until the object
 *       is restored); {@code HEAD} still answers, as on S3.
 *   <li>{@link #objectLock(boolean)} true: a bucket created with Object Lock; a {@code PutObject}
 *       or {@code UploadPart} without {@code Content-MD5} or an {@code x-amz-checksum-*} header is
 *       answered {@code 400 InvalidRequest}. False (the default): a request that sets Object Lock
 *       retention is answered {@code 400 InvalidRequest} (the bucket has no Object Lock
 *       configuration).
 * </ul>
 *
 * <p>Thread-safe: a concurrent map and a volatile flag.
 */
public final class BucketRules {
  /**
   * What the front answers instead of forwarding.
   *
   * @param status the HTTP status
   * @param code the S3 error code
   * @param message the S3 error message
   * @param extraXml more elements of the error document, or null
   */
  public record Answer(int status, String code, String message, String extraXml) {}

  private final Map<String, String> archived = new ConcurrentHashMap<>();
  private volatile boolean objectLock;

  /** No rule: everything is forwarded. */
  public BucketRules() {}

  /**
   * Puts the objects whose keys (bucket keys, without the bucket) start with {@code keyPrefix} in an
   * archive storage class.
   *
   * @param keyPrefix a key or key prefix
   * @param storageClass such as {@code GLACIER}, {@code DEEP_ARCHIVE}
   * @return this, to chain
   */
  public BucketRules archive(String keyPrefix, String storageClass) {
    archived.put(Objects.requireNonNull(keyPrefix, "keyPrefix"), Objects.requireNonNull(storageClass, "storageClass"));
    return this;
  }

  /**
   * Makes the bucket one with S3 Object Lock (true) or without (false, the default).
   *
   * @param enabled whether the bucket has Object Lock
   * @return this, to chain
   */
  public BucketRules objectLock(boolean enabled) {
    this.objectLock = enabled;
    return this;
  }

  /**
   * Forgets every rule.
   *
   * @return this, to chain
   */
  public BucketRules clear() {
    archived.clear();
    objectLock = false;
    return this;
  }

  /**
   * The answer S3 would give instead of serving the request, or null to forward it.
   *
   * @param operation the S3 operation, such as {@code GetObject}
   * @param key the object key in the bucket (empty for bucket-level calls)
   * @param headers the request headers, names in lower case
   * @return the answer, or null
   */
  public Answer answer(String operation, String key, Map<String, String> headers) {
    if (operation.equals("GetObject")) {
      for (Map.Entry<String, String> e : archived.entrySet()) {
        if (key.startsWith(e.getKey())) {
          return new Answer(403, "InvalidObjectState", "The operation is not valid for the object's storage class",
              "<StorageClass>" + e.getValue() + "</StorageClass>");
        }
      }
      return null;
    }
    boolean upload = operation.equals("PutObject") || operation.equals("UploadPart");
    boolean setsLock = headers.containsKey("x-amz-object-lock-mode")
        || headers.containsKey("x-amz-object-lock-retain-until-date");
    if (!objectLock && setsLock) {
      return new Answer(400, "InvalidRequest", "Bucket is missing Object Lock Configuration", null);
    }
    if (objectLock && upload && !headers.containsKey("content-md5")
        && headers.keySet().stream().noneMatch(h -> h.startsWith("x-amz-checksum-"))) {
      return new Answer(400, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object"
          + " requests with Object Lock parameters", null);
    }
    return null;
  }
}
