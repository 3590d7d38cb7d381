package io.litewake.s3.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * S3 Object Lock retention set on every object a replica uploads: a mode ({@code GOVERNANCE} or
 * {@code COMPLIANCE}) and how long from the upload the object stays locked. It needs a bucket
 * created with Object Lock enabled (so versioning on) and {@code s3:PutObjectRetention}. Immutable.
 *
 * @param mode the retention mode
 * @param period how long each object is locked after its upload
 */
public record ObjectLock(ObjectLockMode mode, Duration period) {

  /**
   * Validates the components.
   *
   * @param mode see the record component
   * @param period see the record component
   * @throws IllegalArgumentException if the mode is unknown or the period not positive
   */
  public ObjectLock {
    if (mode == null || mode == ObjectLockMode.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("object lock mode must be GOVERNANCE or COMPLIANCE, not " + mode);
    }
    if (period == null || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("object lock retention must be a positive duration, not " + period);
    }
  }

  /**
   * Parses the URI parameters {@code object-lock-mode} and {@code object-lock-retention}.
   *
   * @param mode {@code GOVERNANCE} or {@code COMPLIANCE} (any case)
   * @param period an ISO-8601 duration such as {@code P30D} or {@code PT12H}
   * @return the setting
   * @throws IllegalArgumentException naming the bad value
   */
  public static ObjectLock parse(String mode, String period) {
    ObjectLockMode m = ObjectLockMode.fromValue(mode.toUpperCase(Locale.ROOT));
    if (m == ObjectLockMode.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("object-lock-mode must be GOVERNANCE or COMPLIANCE, not '" + mode + "'");
    }
    Duration d;
    try {
      d = Duration.parse(period.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("object-lock-retention must be an ISO-8601 duration such as P30D or"
          + " PT12H, not '" + period + "'");
    }
    return new ObjectLock(m, d);
  }

  /**
   * Adds the retention headers to an upload that starts now.
   *
   * @param req the request being built
   */
  void apply(PutObjectRequest.Builder req) {
    req.objectLockMode(mode).objectLockRetainUntilDate(Instant.now().plus(period));
  }

  @Override
  public String toString() {
    return "object lock " + mode + " for " + period;
  }
}
