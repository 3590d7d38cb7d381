package io.litewake.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import io.litewake.spi.Throttle;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object read as consecutive ranges, fetched ahead in parallel into reused buffers: at most
 * {@value #AHEAD} ranged GETs of {@value #RANGE} bytes in flight, read in order, so memory stays
 * at {@code AHEAD} buffers whatever the object size. Each range must have the length asked for,
 * of an object still as long as listed and with the ETag of the first range. A failed range fails
 * every later read, never a short read or a silent end. Not thread-safe: one reader at a time,
 * as any {@link InputStream}; the buffers are owned by the reading thread once their range has
 * answered.
 */
public final class RangedReader extends InputStream {

  /** Bytes per ranged GET. */
  public static final int RANGE = 4 * 1024 * 1024;
  /** Ranged GETs in flight at most: the stream's memory is this times {@link #RANGE}. */
  public static final int AHEAD = 4;
  /** The threads of ranged GETs on the synchronous client (daemon, ended after 30 s idle). */
  static final java.util.concurrent.ExecutorService POOL;

  static {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ThreadPoolExecutor p = new java.util.concurrent.ThreadPoolExecutor(64, 64, 30,
        java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "litewake-s3-get-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    p.allowCoreThreadTimeOut(true);
    POOL = p;
  }

  private final S3Access access;
  private final String full;
  private final long size;
  private final int concurrency;
  private final int rangeSize;
  /** Schedules each ranged GET, or null. */
  private final Throttle throttle;
  private final ArrayDeque<CompletableFuture<IntoArray>> ahead = new ArrayDeque<>();
  /** Buffers no request writes to and the reader no longer reads from. */
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private long requested;
  private long delivered;
  private byte[] current;
  private int currentLength;
  private int pos;
  private String etag;
  private IOException failed;

  /**
   * Starts reading an object: the first ranges are requested at once.
   *
   * @param access the replica's place in the bucket
   * @param fullKey the key in the bucket
   * @param size the object's size as listed
   * @param concurrency ranges in flight at most (no more than {@link #AHEAD})
   */
  public RangedReader(S3Access access, String fullKey, long size, int concurrency) {
    this(access, fullKey, size, concurrency, RANGE, null);
  }

  /**
   * Starts reading an object in ranges of {@code rangeSize}, each asked for when the throttle's
   * schedule reaches it (a timer, not the reading thread, waits).
   *
   * @param access the replica's place in the bucket
   * @param fullKey the key in the bucket
   * @param size the object's size as listed
   * @param concurrency ranges in flight at most (no more than {@link #AHEAD})
   * @param rangeSize bytes per ranged GET, at most {@link #RANGE}
   * @param throttle the rate limit, or null
   */
  public RangedReader(S3Access access, String fullKey, long size, int concurrency, int rangeSize,
      Throttle throttle) {
    this.access = access;
    this.full = fullKey;
    this.size = size;
    this.concurrency = concurrency;
    this.rangeSize = rangeSize;
    this.throttle = throttle;
    fill();
  }

  /**
   * What is wrong with the answer to one ranged GET, or null: it must hold the bytes asked for,
   * of an object still {@code size} bytes long, with the ETag of the first range.
   *
   * @param resp the answer
   * @param got the bytes received (null if the store did not say)
   * @param start the first byte asked for
   * @param expected the bytes asked for
   * @param size the object's size as listed
   * @param firstEtag the ETag of the first range answered, or null
   * @return the problem, for a message, or null
   */
  static String rangeProblem(GetObjectResponse resp, Long got, long start, long expected, long size,
      String firstEtag) {
    if (got == null || got != expected) {
      return "range at " + start + " returned " + got + " bytes, expected " + expected
          + " (does the store support Range requests?)";
    }
    if (resp.contentRange() != null && !resp.contentRange().endsWith("/" + size)) {
      return "the object is no longer " + size + " bytes long (Content-Range " + resp.contentRange()
          + "); it changed since it was listed";
    }
    if (resp.eTag() != null && firstEtag != null && !resp.eTag().equals(firstEtag)) {
      return "the object changed during the download (ETag " + resp.eTag() + " vs " + firstEtag + ")";
    }
    return null;
  }

  private void fill() {
    int limit = Math.min(AHEAD, concurrency);
    while (ahead.size() < limit && requested < size) {
      long end = Math.min(size, requested + rangeSize) - 1;
      byte[] buffer = free.isEmpty() ? new byte[rangeSize] : free.pop();
      GetObjectRequest req = access.get(full).range("bytes=" + requested + "-" + end).build();
      long wait = throttle == null ? 0 : throttle.reserve(end - requested + 1);
      if (access.sync() != null) {
        Executor on = wait <= 0 ? POOL : CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS, POOL);
        ahead.add(CompletableFuture.supplyAsync(() -> fetchSync(req, buffer), on));
      } else if (wait <= 0) {
        ahead.add(access.plain().getObject(req, new IntoArray(buffer)));
      } else {
        ahead.add(CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS))
            .thenCompose(v -> access.plain().getObject(req, new IntoArray(buffer))));
      }
      requested = end + 1;
    }
  }

  /** One ranged GET on the synchronous client, read into {@code buffer} (on a {@link #POOL} thread). */
  private IntoArray fetchSync(GetObjectRequest req, byte[] buffer) {
    try (ResponseInputStream<GetObjectResponse> in = access.sync().getObject(req)) {
      IntoArray r = new IntoArray(buffer);
      r.buffer = buffer;
      r.response = in.response();
      int n = in.readNBytes(buffer, 0, buffer.length);
      if (n == buffer.length && in.read() >= 0) {
        throw new java.io.UncheckedIOException(new IOException("range answered with more than the " + buffer.length
            + " bytes asked for (does the store support Range requests?)"));
      }
      r.length = n;
      return r;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Makes bytes available in {@code current}; false at the end of the object. */
  private boolean advance() throws IOException {
    if (failed != null) {
      throw failed; // never a short read or a silent end after a failed range
    }
    if (current != null && pos < currentLength) {
      return true;
    }
    if (delivered >= size) {
      return false;
    }
    if (ahead.isEmpty()) {
      throw new IOException("read of " + access.where(full) + " after close");
    }
    if (current != null) {
      free.push(current); // read to its end: the next request may fill it
      current = null;
    }
    IntoArray range;
    try {
      range = access.await(ahead.poll(), "s3:GetObject", access.where(full));
    } catch (IOException e) {
      failed = e;
      close();
      throw e;
    }
    GetObjectResponse resp = range.response;
    long expected = Math.min(rangeSize, size - delivered);
    if (etag == null) {
      etag = resp.eTag();
    }
    String problem = rangeProblem(resp, (long) range.length, delivered, expected, size, etag);
    if (problem != null) {
      failed = new IOException("download of " + access.where(full) + " failed: " + problem);
      close();
      throw failed;
    }
    current = range.buffer;
    currentLength = range.length;
    pos = 0;
    delivered += range.length;
    fill();
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!advance()) {
      return -1;
    }
    return current[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, currentLength - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Cancels the ranges in flight and drops the buffers; later reads see the end or the failure. */
  @Override
  public void close() {
    ahead.forEach(f -> f.cancel(true));
    ahead.clear();
    free.clear();
    current = null;
    requested = size;
    delivered = size;
  }
}
