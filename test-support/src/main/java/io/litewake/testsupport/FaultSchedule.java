package io.litewake.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults an {@link S3Front} injects, in arrival order: S3 errors, dropped connections and
 * latency, each for the next {@code n} requests or for a time window starting now. Counted faults
 * queue up ({@code slowDown(3).internalError(2)}: three 503 SlowDown, then two 500
 * InternalError); a window fault applies to every request while it lasts, ahead of counted ones.
 * Latency is separate: it delays requests and combines with an error. Thread-safe: the rules are
 * guarded by {@code this}.
 */
public final class FaultSchedule {

  /** What an injected fault does to a request. */
  public enum Kind {
    /** {@code 503 SlowDown}, as S3 throttles. */
    SLOW_DOWN(503, "SlowDown", "Please reduce your request rate."),
    /** {@code 500 InternalError}. */
    INTERNAL_ERROR(500, "InternalError", "We encountered an internal error. Please try again."),
    /** {@code 503 ServiceUnavailable}: the store is down. */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "Service is unable to handle request."),
    /** The connection is reset without an answer. */
    DROP(0, "dropped", "connection closed without an answer");

    private final int status;
    private final String code;
    private final String message;

    Kind(int status, String code, String message) {
      this.status = status;
      this.code = code;
      this.message = message;
    }

    /**
     * The HTTP status the client gets.
     *
     * @return such as 503, or 0 for {@link #DROP}
     */
    public int status() {
      return status;
    }

    /**
     * The S3 error code, also the outcome recorded for the request.
     *
     * @return such as {@code SlowDown}, or {@code dropped}
     */
    public String code() {
      return code;
    }

    /**
     * The S3 error message.
     *
     * @return the message
     */
    public String message() {
      return message;
    }
  }

  /**
   * The decision for one request.
   *
   * @param delay how long it waits before anything else happens, may be zero
   * @param kind the error or drop, or null to let it through
   */
  public record Decision(Duration delay, Kind kind) {
    /** No delay, no fault. */
    public static final Decision NONE = new Decision(Duration.ZERO, null);

    /**
     * Whether nothing is injected.
     *
     * @return true when there is no delay and no fault
     */
    public boolean isNone() {
      return delay.isZero() && kind == null;
    }
  }

  private static final class Rule {
    final Kind kind; // null for latency
    final AtomicInteger remaining; // null for a window
    final long untilNanos;
    final Duration delay;

    Rule(Kind kind, int count, long untilNanos, Duration delay) {
      this.kind = kind;
      this.remaining = count > 0 ? new AtomicInteger(count) : null;
      this.untilNanos = untilNanos;
      this.delay = delay;
    }

    boolean expired(long now) {
      return remaining != null ? remaining.get() <= 0 : now - untilNanos >= 0;
    }
  }

  private final List<Rule> errors = new ArrayList<>();
  private final List<Rule> delays = new ArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();

  /** An empty schedule: every request goes through. */
  public FaultSchedule() {}

  /**
   * Injects {@code kind} into the next {@code requests} requests.
   *
   * @param kind the fault
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if {@code requests} is not positive
   */
  public FaultSchedule add(Kind kind, int requests) {
    Objects.requireNonNull(kind, "kind");
    requireCount(requests);
    synchronized (this) {
      errors.add(new Rule(kind, requests, 0, null));
    }
    return this;
  }

  /**
   * Injects {@code kind} into every request for a while, starting now.
   *
   * @param kind the fault
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public FaultSchedule add(Kind kind, Duration window) {
    Objects.requireNonNull(kind, "kind");
    requirePositive(window, "window");
    synchronized (this) {
      errors.add(new Rule(kind, 0, System.nanoTime() + window.toNanos(), null));
    }
    return this;
  }

  /**
   * Delays the next {@code requests} requests.
   *
   * @param delay how long each waits, positive
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if an argument is not positive
   */
  public FaultSchedule latency(Duration delay, int requests) {
    requirePositive(delay, "delay");
    requireCount(requests);
    synchronized (this) {
      delays.add(new Rule(null, requests, 0, delay));
    }
    return this;
  }

  /**
   * Delays every request for a while, starting now.
   *
   * @param delay how long each waits, positive
   * @param window how long the slowness lasts, positive
   * @return this, to chain
   * @throws IllegalArgumentException if an argument is not positive
   */
  public FaultSchedule latency(Duration delay, Duration window) {
    requirePositive(delay, "delay");
    requirePositive(window, "window");
    synchronized (this) {
      delays.add(new Rule(null, 0, System.nanoTime() + window.toNanos(), delay));
    }
    return this;
  }

  /**
   * Removes every fault not yet used up; the count of {@link #injected()} faults stays.
   *
   * @return this, to chain
   */
  public synchronized FaultSchedule clear() {
    errors.clear();
    delays.clear();
    return this;
  }

  /**
   * How many requests got a fault (an error, a drop or a delay) so far.
   *
   * @return the count
   */
  public int injected() {
    return injected.get();
  }

  /**
   * Whether a fault is still pending: a counted one not used up, or a window not over.
   *
   * @return true while some request would still get a fault
   */
  public synchronized boolean active() {
    long now = System.nanoTime();
    errors.removeIf(r -> r.expired(now));
    delays.removeIf(r -> r.expired(now));
    return !errors.isEmpty() || !delays.isEmpty();
  }

  /**
   * Takes the decision for the request arriving now, using up counted rules.
   *
   * @return the decision, {@link Decision#NONE} when nothing applies
   */
  public synchronized Decision next() {
    long now = System.nanoTime();
    Rule delayRule = take(delays, now);
    Rule errorRule = take(errors, now);
    if (delayRule == null && errorRule == null) {
      return Decision.NONE;
    }
    injected.incrementAndGet();
    return new Decision(delayRule == null ? Duration.ZERO : delayRule.delay, errorRule == null ? null : errorRule.kind);
  }

  /** Windows first (they are about time), then the oldest counted rule. */
  private static Rule take(List<Rule> rules, long now) {
    rules.removeIf(r -> r.expired(now));
    for (Rule r : rules) {
      if (r.remaining == null) {
        return r;
      }
    }
    for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
      Rule r = it.next();
      if (r.remaining.getAndDecrement() > 0) {
        if (r.remaining.get() <= 0) {
          it.remove();
        }
        return r;
      }
      it.remove();
    }
    return null;
  }

  private static void requireCount(int requests) {
    if (requests < 1) {
      throw new IllegalArgumentException("requests must be at least 1, was " + requests);
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  @Override
  public synchronized String toString() {
    return errors.size() + " error rule(s), " + delays.size() + " latency rule(s), " + injected.get() + " injected";
  }
}
