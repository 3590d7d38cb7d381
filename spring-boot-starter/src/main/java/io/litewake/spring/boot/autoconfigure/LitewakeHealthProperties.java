package io.litewake.spring.boot.autoconfigure;

import java.time.Duration;

/**
 * Bounds of the {@code litewake} health indicator, under {@code litewake.health.*}. It is DOWN
 * when another instance took over the replica, when uploads have failed for longer than {@link
 * #getMaxFailureTime() max-failure-time}, or when the replication lag exceeds {@link
 * #getMaxLag() max-lag}.
 */
public class LitewakeHealthProperties {
  /** Replication lag (age of the oldest commit not yet in the replica) above which the litewake health indicator is DOWN. */
  private Duration maxLag = Duration.ofMinutes(5);
  /** How long uploads may keep failing before the litewake health indicator is DOWN; failures are retried meanwhile and the data waits in the local spool. */
  private Duration maxFailureTime = Duration.ofMinutes(1);

  /** Creates the settings with their defaults. */
  public LitewakeHealthProperties() {}

  /**
   * The replication lag (age of the oldest commit not yet in the replica) above which the health
   * is DOWN (default 5 minutes).
   *
   * @return the bound
   */
  public Duration getMaxLag() {
    return maxLag;
  }

  /**
   * Sets {@code litewake.health.max-lag}.
   *
   * @param maxLag a positive duration
   * @throws IllegalArgumentException if it is null or not positive
   */
  public void setMaxLag(Duration maxLag) {
    this.maxLag = required("litewake.health.max-lag", maxLag);
  }

  /**
   * How long uploads may keep failing (the store unreachable, access denied, ...) before the
   * health is DOWN (default 1 minute). Failures are retried meanwhile; the data waits in the
   * local spool.
   *
   * @return the bound
   */
  public Duration getMaxFailureTime() {
    return maxFailureTime;
  }

  /**
   * Sets {@code litewake.health.max-failure-time}.
   *
   * @param maxFailureTime a positive duration
   * @throws IllegalArgumentException if it is null or not positive
   */
  public void setMaxFailureTime(Duration maxFailureTime) {
    this.maxFailureTime = required("litewake.health.max-failure-time", maxFailureTime);
  }

  private static Duration required(String property, Duration d) {
    if (d == null) {
      throw new IllegalArgumentException(property + " must be set");
    }
    return LitewakeProperties.positive(property, d);
  }
}
