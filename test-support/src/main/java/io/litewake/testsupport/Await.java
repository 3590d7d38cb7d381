package io.litewake.testsupport;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes, failing with a message that says what
 * was awaited: what tests use instead of a fixed sleep followed by an assertion.
 *
 * <pre>{@code
 * Await.until("a DeleteObjects request", Duration.ofSeconds(20),
 *     () -> front.requests().stream().anyMatch(r -> r.operation().equals("DeleteObjects")));
 *
 * Await.atMost(Duration.ofSeconds(20)).pollEvery(Duration.ofMillis(200))
 *     .orElseReport(() -> "litestream log:\n" + ls.log())
 *     .until("the replica restores the written state", () -> restoresTo(state));
 * }</pre>
 *
 * <p>A condition that throws counts as not met; the last exception becomes the cause of the
 * timeout's {@link AssertionError}. Immutable: each {@code pollEvery}/{@code orElseReport}
 * returns a new instance.
 */
public final class Await {

  /** A condition to poll; it may throw, which counts as not met yet. */
  @FunctionalInterface
  public interface Condition {
    /**
     * Whether the awaited state is reached.
     *
     * @return true once it is
     * @throws Exception counted as not met; reported if the wait times out
     */
    boolean met() throws Exception;
  }

  private static final Duration DEFAULT_POLL = Duration.ofMillis(50);

  private final Duration timeout;
  private final Duration poll;
  private final Supplier<String> report;

  private Await(Duration timeout, Duration poll, Supplier<String> report) {
    this.timeout = requirePositive(timeout, "timeout");
    this.poll = requirePositive(poll, "poll interval");
    this.report = report;
  }

  /**
   * Starts describing a wait of at most {@code timeout}, polling every 50 ms.
   *
   * @param timeout how long to wait at most, positive
   * @return the wait
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public static Await atMost(Duration timeout) {
    return new Await(timeout, DEFAULT_POLL, null);
  }

  /**
   * Waits until {@code condition} holds, polling every 50 ms.
   *
   * @param what what is awaited, for the failure message ("... waiting until " + what)
   * @param timeout how long to wait at most
   * @param condition the condition
   * @throws AssertionError if it does not hold within the timeout
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public static void until(String what, Duration timeout, Condition condition) throws InterruptedException {
    atMost(timeout).until(what, condition);
  }

  /**
   * This wait, polling at another interval.
   *
   * @param interval the pause between two checks, positive
   * @return a new wait
   */
  public Await pollEvery(Duration interval) {
    return new Await(timeout, interval, report);
  }

  /**
   * This wait, adding what {@code details} returns (evaluated at the timeout) to the failure
   * message, such as the last state seen or a child process's log.
   *
   * @param details the extra text
   * @return a new wait
   */
  public Await orElseReport(Supplier<String> details) {
    return new Await(timeout, poll, Objects.requireNonNull(details, "details"));
  }

  /**
   * Waits until {@code condition} holds. It is checked at once, then after each poll interval,
   * and once more at the deadline.
   *
   * @param what what is awaited, for the failure message
   * @param condition the condition
   * @throws AssertionError if it does not hold in time: {@code timed out after PT20S waiting
   *     until WHAT}, the details if any, the last exception as the cause
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void until(String what, Condition condition) throws InterruptedException {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(condition, "condition");
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      boolean lastTry = System.nanoTime() - deadline >= 0;
      try {
        if (condition.met()) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (lastTry) {
        break;
      }
      long left = deadline - System.nanoTime();
      Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000L + 1)));
    }
    StringBuilder m = new StringBuilder("timed out after ").append(timeout).append(" waiting until ").append(what);
    if (last != null) {
      m.append(" (last check failed: ").append(last).append(')');
    }
    if (report != null) {
      m.append('\n').append(report.get());
    }
    AssertionError e = new AssertionError(m.toString());
    if (last != null) {
      e.initCause(last);
    }
    throw e;
  }

  private static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
