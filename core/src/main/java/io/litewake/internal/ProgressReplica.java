package io.litewake.internal;

import io.litewake.RestoreListener;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore's view of its replica that tells a {@link RestoreListener} about every byte and
 * object read: streams count what their readers take and report the object at its end (or when
 * closed after it), downloads report the file they wrote. Writes are delegated unchanged. It never
 * closes the replica it wraps.
 *
 * <p>State: none but the listener; each stream's own count belongs to the thread reading it. A
 * listener's exception is logged and swallowed.
 */
final class ProgressReplica implements Replica {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.Restore");

  private final Replica delegate;
  private final RestoreListener listener;

  ProgressReplica(Replica delegate, RestoreListener listener) {
    this.delegate = delegate;
    this.listener = listener;
  }

  @Override
  public String location() {
    return delegate.location();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    return delegate.list(prefix);
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    return delegate.put(key, source);
  }

  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    return delegate.putIfAbsent(key, source);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return new Counting(delegate.open(key), key, -1);
  }

  @Override
  public InputStream open(StoredObject object) throws IOException {
    return new Counting(delegate.open(object), object.key(), object.size());
  }

  @Override
  public void download(StoredObject object, Path target) throws IOException {
    delegate.download(object, target);
    long size = Files.size(target);
    if (size > 0) {
      bytes(size);
    }
    object(object.key(), size);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    delegate.delete(keys);
  }

  /** Does nothing: the wrapped replica belongs to the caller. */
  @Override
  public void close() {}

  private void bytes(long n) {
    try {
      listener.bytesRead(n);
    } catch (RuntimeException e) {
      LOG.warn("litewake: restore listener {} failed in bytesRead: {}", listener, e.toString());
    }
  }

  private void object(String key, long size) {
    try {
      listener.objectRead(key, size);
    } catch (RuntimeException e) {
      LOG.warn("litewake: restore listener {} failed in objectRead: {}", listener, e.toString());
    }
  }

  /**
   * Counts what is read; reports the object once, at its end: the end of the stream, or its
   * expected size read (a decompressor may stop before it sees the end).
   */
  private final class Counting extends FilterInputStream {
    private final String key;
    private final long expected;
    private final AtomicBoolean reported = new AtomicBoolean();
    private long read;

    Counting(InputStream in, String key, long expected) {
      super(in);
      this.key = key;
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        read++;
        bytes(1);
        if (read == expected) {
          end();
        }
      } else {
        end();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        read += n;
        bytes(n);
        if (read == expected) {
          end();
        }
      } else if (n < 0) {
        end();
      }
      return n;
    }

    private void end() {
      if (reported.compareAndSet(false, true)) {
        object(key, read);
      }
    }
  }
}
