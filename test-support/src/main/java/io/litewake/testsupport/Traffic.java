package io.litewake.testsupport;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What clients send through an {@link S3Front} and get back: requests by kind, bytes on the wire
 * both ways, request body bytes, and when a client last sent a byte. Thread-safe: atomic counters
 * and a volatile time.
 */
final class Traffic {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
  private volatile long lastActivity = System.nanoTime();

  /** Counts a request of {@code kind} whose body has {@code contentLength} bytes. */
  void request(String kind, long contentLength) {
    requests.incrementAndGet();
    byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    bodyBytes.addAndGet(contentLength);
  }

  /** The counts so far. */
  S3Front.Counts counts() {
    Map<String, Long> m = new TreeMap<>();
    byKind.forEach((k, v) -> m.put(k, v.get()));
    return new S3Front.Counts(requests.get(), bytesUp.get(), bodyBytes.get(), bytesDown.get(), m);
  }

  /** Waits until no client sent a byte for {@code quiet}, at most {@code max}; whether it did. */
  boolean awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long quietNanos = quiet.toNanos();
    while (true) {
      long idle = System.nanoTime() - lastActivity;
      if (idle >= quietNanos) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(Math.max(10, (quietNanos - idle) / 1_000_000L));
    }
  }

  /** A client's input, counted. */
  InputStream in(InputStream in) {
    return new CountingIn(in);
  }

  /** A client's output, counted. */
  OutputStream out(OutputStream out) {
    return new CountingOut(out);
  }

  /** Counts what clients send and notes when they last did. */
  private final class CountingIn extends FilterInputStream {
    CountingIn(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        bytesUp.incrementAndGet();
        lastActivity = System.nanoTime();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        bytesUp.addAndGet(n);
        lastActivity = System.nanoTime();
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      if (s > 0) {
        bytesUp.addAndGet(s);
        lastActivity = System.nanoTime();
      }
      return s;
    }
  }

  /** Counts what goes back to clients. */
  private final class CountingOut extends FilterOutputStream {
    CountingOut(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytesDown.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      bytesDown.addAndGet(len);
    }
  }
}
