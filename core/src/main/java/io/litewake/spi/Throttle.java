package io.litewake.spi;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A transfer rate limit shared by every transfer it is given to: bytes are scheduled one after the
 * other at {@link #bytesPerSecond()}. A transfer that waited longer than it had to (a timer firing
 * late) may catch up on at most {@value #CATCH_UP_MILLIS} ms of the schedule, and nothing more is
 * saved while idle, so the rate over any second stays within a few percent of the limit (plus the
 * one chunk being sent). {@code uploadRateLimit} gives one to
 * all the replicas of a database, {@code Restore.rateLimit} one to a restore; {@link
 * Replica#throttled(Throttle)} hands it to a replica. Thread-safe: the schedule is guarded by this
 * object's monitor.
 *
 * <pre>{@code
 * Throttle t = Throttle.perSecond(8L << 20);
 * t.acquire(chunk.length); // waits until these bytes may go
 * out.write(chunk);
 * }</pre>
 */
public final class Throttle {
  /** How far behind its schedule a transfer may catch up at once, in milliseconds. */
  public static final int CATCH_UP_MILLIS = 50;
  private static final long CATCH_UP = CATCH_UP_MILLIS * 1_000_000L;
  private final long bytesPerSecond;
  /** When (System.nanoTime()) the bytes reserved so far have been sent at the limit. */
  private long next = System.nanoTime();

  private Throttle(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /**
   * A limit of {@code bytes} per second.
   *
   * @param bytes a positive rate
   * @return a new throttle, idle
   * @throws IllegalArgumentException if {@code bytes} is not positive
   */
  public static Throttle perSecond(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a rate limit must be a positive number of bytes per second, was " + bytes);
    }
    return new Throttle(bytes);
  }

  /**
   * The limit.
   *
   * @return bytes per second
   */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * Reserves the next {@code bytes} of the schedule.
   *
   * @param bytes how many bytes are about to be sent, not negative
   * @return how many nanoseconds the caller must wait before sending them (0 when it may go now)
   */
  public long reserve(long bytes) {
    long cost = (long) Math.ceil(bytes * 1e9 / bytesPerSecond);
    synchronized (this) {
      long now = System.nanoTime();
      long earliest = now - CATCH_UP;
      long start = next - earliest > 0 ? next : earliest;
      next = start + cost;
      return Math.max(0, start - now);
    }
  }

  /**
   * Reserves {@code bytes} and waits until they may be sent.
   *
   * @param bytes how many bytes are about to be sent
   * @throws InterruptedIOException if the thread is interrupted while waiting (the interrupt flag
   *     is set again)
   */
  public void acquire(long bytes) throws InterruptedIOException {
    long wait = reserve(bytes);
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while waiting for the rate limit");
        io.initCause(e);
        throw io;
      }
    }
  }

  @Override
  public String toString() {
    return bytesPerSecond + " bytes/s";
  }
}
