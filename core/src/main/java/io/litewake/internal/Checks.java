package io.litewake.internal;

import java.time.Duration;

/** Fail-fast argument checks for builders (messages carry the bad value). */
public final class Checks {
  private Checks() {}

  /** Throws IllegalArgumentException with {@code message} if {@code ok} is false. */
  public static void requireArgument(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Throws IllegalStateException with {@code message} if {@code ok} is false. */
  public static void requireState(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  /** Requires a non-null value. */
  public static <T> T requireNonNull(T value, String what) {
    if (value == null) {
      throw new NullPointerException(what + " must not be null");
    }
    return value;
  }

  /** Requires a positive duration. */
  public static Duration requirePositive(Duration d, String what) {
    requireNonNull(d, what);
    requireArgument(!d.isNegative() && !d.isZero(), what + " must be positive, was " + d);
    return d;
  }

  /** Requires that an option was not set before. */
  public static void requireUnset(Object current, String what) {
    requireState(current == null, what + " was already set to " + current + "; set it once");
  }
}
