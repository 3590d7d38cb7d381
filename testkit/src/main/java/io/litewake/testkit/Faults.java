package io.litewake.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults injected on the endpoint of an {@link EmbeddedS3} (and so of an {@link S3Extension}):
 * every request that goes to a URI from {@code uri(name)} passes through a loopback front that
 * can answer it with an S3 error, drop its connection or delay it, before it reaches the server.
 * The {@linkplain EmbeddedS3#client() assertion client} bypasses the front.
 *
 * <p>Each fault lasts either for the next {@code n} requests or for a time window starting now.
 * Faults given one after the other queue up: {@code faults.slowDown(3).internalError(2)} answers
 * the next three requests with {@code 503 SlowDown}, the two after them with {@code 500
 * InternalError}. A window fault applies to every request while it lasts, ahead of counted ones.
 * Latency is separate: it delays requests and combines with an error.
 *
 * <pre>{@code
 * s3.faults().slowDown(3);                          // throttling burst: 503 SlowDown x3
 * s3.faults().internalError(2);                     // 500 InternalError x2
 * s3.faults().dropConnections(1);                   // the connection is closed, no answer
 * s3.faults().latency(Duration.ofMillis(300), 10);  // the next 10 requests wait 300 ms
 * s3.faults().outage(Duration.ofSeconds(2));        // 503 ServiceUnavailable for two seconds
 * s3.faults().clear();
 * }</pre>
 *
 * <p>Thread-safe. Faults apply to every request through the front, in arrival order, whatever
 * its bucket, key or operation.
 */
public final class Faults {

  /** What happens to a request. */
  enum Kind {
    SLOW_DOWN(503, "SlowDown", "Please reduce your request rate."),
    INTERNAL_ERROR(500, "InternalError", "We encountered an internal error. Please try again."),
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "Service is unable to handle request."),
    DROP(0, "dropped", "connection closed without an answer"),
    LATENCY(0, "latency", "delayed");

    final int status;
    final String code;
    final String message;

    Kind(int status, String code, String message) {
      this.status = status;
      this.code = code;
      this.message = message;
    }
  }

  private static final class Rule {
    final Kind kind;
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

  /** The decision for one request: a delay (may be zero) and an error or drop (may be null). */
  record Decision(Duration delay, Kind kind) {
    static final Decision NONE = new Decision(Duration.ZERO, null);

    boolean isNone() {
      return delay.isZero() && kind == null;
    }
  }

  private final List<Rule> errors = new ArrayList<>();
  private final List<Rule> delays = new ArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();

  Faults() {}

  /**
   * Answers the next {@code requests} requests with {@code 503 SlowDown}, as S3 throttles.
   *
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if {@code requests} is not positive
   */
  public Faults slowDown(int requests) {
    return add(Kind.SLOW_DOWN, requests);
  }

  /**
   * Answers every request with {@code 503 SlowDown} for a while, starting now.
   *
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public Faults slowDown(Duration window) {
    return add(Kind.SLOW_DOWN, window);
  }

  /**
   * Answers the next {@code requests} requests with {@code 500 InternalError}.
   *
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if {@code requests} is not positive
   */
  public Faults internalError(int requests) {
    return add(Kind.INTERNAL_ERROR, requests);
  }

  /**
   * Answers every request with {@code 500 InternalError} for a while, starting now.
   *
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public Faults internalError(Duration window) {
    return add(Kind.INTERNAL_ERROR, window);
  }

  /**
   * Closes the connection of the next {@code requests} requests without answering (the client
   * sees a reset or an unexpected end of stream).
   *
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if {@code requests} is not positive
   */
  public Faults dropConnections(int requests) {
    return add(Kind.DROP, requests);
  }

  /**
   * Closes the connection of every request without answering for a while, starting now: the
   * store is unreachable.
   *
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public Faults dropConnections(Duration window) {
    return add(Kind.DROP, window);
  }

  /**
   * Answers every request with {@code 503 ServiceUnavailable} for a while, starting now: the
   * store is down.
   *
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public Faults outage(Duration window) {
    return add(Kind.SERVICE_UNAVAILABLE, window);
  }

  /**
   * Delays the next {@code requests} requests by {@code delay} before they reach the server.
   *
   * @param delay how long each waits, positive
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if an argument is not positive
   */
  public Faults latency(Duration delay, int requests) {
    requirePositive(delay, "delay");
    requireCount(requests);
    synchronized (this) {
      delays.add(new Rule(Kind.LATENCY, requests, 0, delay));
    }
    return this;
  }

  /**
   * Delays every request by {@code delay} for a while, starting now.
   *
   * @param delay how long each waits, positive
   * @param window how long the slowness lasts, positive
   * @return this, to chain
   * @throws IllegalArgumentException if an argument is not positive
   */
  public Faults latency(Duration delay, Duration window) {
    requirePositive(delay, "delay");
    requirePositive(window, "window");
    synchronized (this) {
      delays.add(new Rule(Kind.LATENCY, 0, System.nanoTime() + window.toNanos(), delay));
    }
    return this;
  }

  /**
   * Removes every fault not yet used up; the count of {@link #injected()} faults is kept.
   *
   * @return this, to chain
   */
  public synchronized Faults clear() {
    errors.clear();
    delays.clear();
    return this;
  }

  /**
   * How many requests got a fault (an error, a dropped connection or a delay) so far.
   *
   * @return the count since the server started
   */
  public int injected() {
    return injected.get();
  }

  /**
   * Whether a fault is still pending: a counted fault not used up or a window not over.
   *
   * @return true while some request would still get a fault
   */
  public synchronized boolean active() {
    long now = System.nanoTime();
    errors.removeIf(r -> r.expired(now));
    delays.removeIf(r -> r.expired(now));
    return !errors.isEmpty() || !delays.isEmpty();
  }

  /** Takes the decision for the request arriving now. */
  synchronized Decision next() {
    long now = System.nanoTime();
    Duration delay = Duration.ZERO;
    Rule delayRule = take(delays, now);
    if (delayRule != null) {
      delay = delayRule.delay;
    }
    Rule errorRule = take(errors, now);
    Decision d = new Decision(delay, errorRule == null ? null : errorRule.kind);
    if (!d.isNone()) {
      injected.incrementAndGet();
    }
    return d;
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

  private Faults add(Kind kind, int requests) {
    requireCount(requests);
    synchronized (this) {
      errors.add(new Rule(kind, requests, 0, null));
    }
    return this;
  }

  private Faults add(Kind kind, Duration window) {
    requirePositive(window, "window");
    synchronized (this) {
      errors.add(new Rule(kind, 0, System.nanoTime() + window.toNanos(), null));
    }
    return this;
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
    return "Faults[" + errors.size() + " error rule(s), " + delays.size() + " latency rule(s), "
        + injected.get() + " injected]";
  }
}
