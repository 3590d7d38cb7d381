package io.litewake.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition instead of sleeping for a fixed time. */
public final class Await {
  private Await() {}

  /** Polls {@code condition} every 10 ms until it holds; fails naming {@code what} after {@code limit}. */
  public static void until(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(10);
    }
  }
}
