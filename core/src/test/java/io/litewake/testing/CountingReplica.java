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
    return delegate.put(key, source);
  }

  @Override
  public InputStream open(String key) throws IOException {
    calls.incrementAndGet();
    return delegate.open(key);
  }

  @Override
  public void download(StoredObject object, Path target) throws IOException {
    calls.incrementAndGet();
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
