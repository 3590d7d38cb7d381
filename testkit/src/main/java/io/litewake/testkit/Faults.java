package io.litewake.testkit;

import io.litewake.testsupport.FaultSchedule;
import java.time.Duration;

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

  private final FaultSchedule schedule = new FaultSchedule();

  Faults() {}

  /** The schedule the server's front takes its decisions from. */
  FaultSchedule schedule() {
    return schedule;
  }

  /**
   * Answers the next {@code requests} requests with {@code 503 SlowDown}, as S3 throttles.
   *
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if {@code requests} is not positive
   */
  public Faults slowDown(int requests) {
    schedule.add(FaultSchedule.Kind.SLOW_DOWN, requests);
    return this;
  }

  /**
   * Answers every request with {@code 503 SlowDown} for a while, starting now.
   *
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public Faults slowDown(Duration window) {
    schedule.add(FaultSchedule.Kind.SLOW_DOWN, window);
    return this;
  }

  /**
   * Answers the next {@code requests} requests with {@code 500 InternalError}.
   *
   * @param requests how many, at least 1
   * @return this, to chain
   * @throws IllegalArgumentException if {@code requests} is not positive
   */
  public Faults internalError(int requests) {
    schedule.add(FaultSchedule.Kind.INTERNAL_ERROR, requests);
    return this;
  }

  /**
   * Answers every request with {@code 500 InternalError} for a while, starting now.
   *
   * @param window how long, positive
   * @return this, to chain
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public Faults internalError(Duration window) {
    schedule.add(FaultSchedule.Kind.INTERNAL_ERROR, window);
    return this;
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
    schedule.add(FaultSchedule.Kind.DROP, requests);
    return this;
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
    schedule.add(FaultSchedule.Kind.DROP, window);
    return this;
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
    schedule.add(FaultSchedule.Kind.SERVICE_UNAVAILABLE, window);
    return this;
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
    schedule.latency(delay, requests);
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
    schedule.latency(delay, window);
    return this;
  }

  /**
   * Removes every fault not yet used up; the count of {@link #injected()} faults is kept.
   *
   * @return this, to chain
   */
  public Faults clear() {
    schedule.clear();
    return this;
  }

  /**
   * How many requests got a fault (an error, a dropped connection or a delay) so far.
   *
   * @return the count since the server started
   */
  public int injected() {
    return schedule.injected();
  }

  /**
   * Whether a fault is still pending: a counted fault not used up or a window not over.
   *
   * @return true while some request would still get a fault
   */
  public boolean active() {
    return schedule.active();
  }

  @Override
  public String toString() {
    return "Faults[" + schedule + "]";
  }
}
