package io.litewake.s3.internal;

import io.litewake.spi.Throttle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A body (of a request or of a response) whose bytes flow no faster than a {@link Throttle}
 * allows: it asks its source for one buffer at a time, cuts it into slices of at most {@value
 * #SLICE} bytes, and hands each slice on once the throttle's schedule reaches it (at once, or later
 * from a timer thread), asking for the next buffer only when all are handed on. The source is
 * never asked for more, so a file is read, and a socket drained, at the limit: TCP flow control
 * slows the other side, and no thread waits.
 *
 * <p>State: each subscription's relay guards its queue, demand and flags with its own monitor;
 * every signal to the subscriber is made under it, so they stay serial whichever thread (the
 * source's, the timer's, the subscriber's) causes them.
 */
final class PacedPublisher implements Publisher<ByteBuffer> {
  /** The most bytes handed on at once: larger buffers are cut. */
  static final int SLICE = 64 * 1024;
  private final Publisher<ByteBuffer> source;
  private final Throttle throttle;
  private final ScheduledExecutorService timer;

  PacedPublisher(Publisher<ByteBuffer> source, Throttle throttle, ScheduledExecutorService timer) {
    this.source = source;
    this.throttle = throttle;
    this.timer = timer;
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
    source.subscribe(new Relay(subscriber));
  }

  /** Between the source and one subscriber. */
  private final class Relay implements Subscriber<ByteBuffer>, Subscription {
    private final Subscriber<? super ByteBuffer> down;
    private Subscription up;
    /** Slices received and not handed on yet, oldest first. */
    private final Deque<ByteBuffer> queue = new ArrayDeque<>();
    private long demand;
    /** A buffer was asked of the source and has not arrived. */
    private boolean requested;
    /** The head slice has its place in the schedule; the timer hands it on. */
    private boolean scheduled;
    /** A drain loop is running on some thread (signals it causes re-enter here). */
    private boolean draining;
    private boolean cancelled;
    private boolean completed;
    private Throwable failed;
    private boolean ended;

    Relay(Subscriber<? super ByteBuffer> down) {
      this.down = down;
    }

    @Override
    public void onSubscribe(Subscription s) {
      synchronized (this) {
        up = s;
      }
      down.onSubscribe(this);
    }

    @Override
    public synchronized void request(long n) {
      if (n <= 0) {
        cancel();
        down.onError(new IllegalArgumentException("reactive streams rule 3.9: request " + n));
        return;
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      drain();
    }

    @Override
    public synchronized void cancel() {
      cancelled = true;
      queue.clear();
      if (up != null) {
        up.cancel();
      }
    }

    @Override
    public synchronized void onNext(ByteBuffer buffer) {
      requested = false;
      // big buffers (a whole part) are cut so that no more than one slice goes ahead of the schedule
      ByteBuffer b = buffer.duplicate();
      while (b.remaining() > SLICE) {
        ByteBuffer slice = b.duplicate();
        slice.limit(slice.position() + SLICE);
        queue.add(slice.slice());
        b.position(b.position() + SLICE);
      }
      if (b.hasRemaining()) {
        queue.add(b.slice());
      }
      drain();
    }

    @Override
    public synchronized void onError(Throwable t) {
      failed = t;
      drain();
    }

    @Override
    public synchronized void onComplete() {
      completed = true;
      drain();
    }

    /** Hands on what the demand and the schedule allow; asks the source for more when empty. */
    private void drain() {
      if (draining) {
        return; // the running loop sees the change
      }
      draining = true;
      try {
        while (!cancelled && !ended && !scheduled) {
          if (queue.isEmpty()) {
            if (failed != null || completed) {
              ended = true;
              if (failed != null) {
                down.onError(failed);
              } else {
                down.onComplete();
              }
              return;
            }
            if (demand == 0 || requested) {
              return;
            }
            requested = true;
            up.request(1); // may deliver at once, on this thread: the loop goes on
            continue;
          }
          if (demand == 0) {
            return;
          }
          long wait = throttle.reserve(queue.peek().remaining());
          if (wait > 0) {
            scheduled = true;
            try {
              timer.schedule(this::onTurn, wait, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
              scheduled = false; // the timer is gone (shutting down): no more pacing
              handOn();
            }
            continue;
          }
          handOn();
        }
      } finally {
        draining = false;
      }
    }

    private void handOn() {
      demand--;
      down.onNext(queue.poll());
    }

    /** The head slice's turn came (timer thread). */
    private synchronized void onTurn() {
      scheduled = false;
      if (cancelled || queue.isEmpty()) {
        return;
      }
      handOn();
      drain();
    }
  }
}
