package io.litewake.testing;

import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Instrumentation around a real replica: counts every call. */
public final class CountingReplica implements Replica {
  private final Replica delegate;
  /** Calls so far, of any kind. */
  public final AtomicInteger calls = new AtomicInteger();
  /** put calls so far. */
  public final AtomicInteger puts = new AtomicInteger();
  /** list calls so far. */
  public final AtomicInteger lists = new AtomicInteger();
  /** download calls so far. */
  public final AtomicInteger downloads = new AtomicInteger();
  /**
   * When non-negative, streams opened on snapshots fail with an {@link IOException} after this
   * many bytes, as a connection reset would.
   */
  public volatile long breakSnapshotStreamsAfter = -1;

  /**
   * While true, puts block (ignoring interrupts, as a blocking SDK call does) until it is false
   * again, or fail with an {@link IOException} when {@link #failPuts} is set meanwhile: a store
   * that stopped answering.
   */
  public volatile boolean hangPuts;
  /** While true, puts fail at once with an {@link IOException}: a store that refuses. */
  public volatile boolean failPuts;
  /** Puts that started while {@link #hangPuts} was set. */
  public final AtomicInteger hung = new AtomicInteger();

  public CountingReplica(Replica delegate) {
    this.delegate = delegate;
  }

  @Override
  public String location() {
    return delegate.location();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    calls.incrementAndGet();
    lists.incrementAndGet();
    return delegate.list(prefix);
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    calls.incrementAndGet();
    puts.incrementAndGet();
    gate();
    return delegate.put(key, source);
  }

  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    calls.incrementAndGet();
    puts.incrementAndGet();
    gate();
    return delegate.putIfAbsent(key, source);
  }

  private void gate() throws IOException {
    if (hangPuts) {
      hung.incrementAndGet();
      while (hangPuts && !failPuts) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
    }
    if (failPuts) {
      throw new IOException("store unreachable (test)");
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    calls.incrementAndGet();
    InputStream in = delegate.open(key);
    long limit = breakSnapshotStreamsAfter;
    if (limit < 0 || !key.contains("/snapshots/")) {
      return in;
    }
    return new java.io.FilterInputStream(in) {
      private long read;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read >= limit) {
          throw new IOException("connection reset (injected after " + limit + " bytes)");
        }
        int n = super.read(b, off, (int) Math.min(len, limit - read));
        if (n > 0) {
          read += n;
        }
        return n;
      }
    };
  }

  @Override
  public void download(StoredObject object, Path target) throws IOException {
    calls.incrementAndGet();
    downloads.incrementAndGet();
    delegate.download(object, target);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    calls.incrementAndGet();
    delegate.delete(keys);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
