package io.litewake.testing;

import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory replica (the real {@code file:} one) whose object timestamps follow a test clock:
 * after each upload the file's mtime is set to the clock's time, so listings (and so retention and
 * point-in-time restores) see simulated days and weeks. Records when each key was stored. Litestream
 * reads the same directory as {@code type: file}.
 */
public final class ClockedReplica implements Replica {
  private final Replica files;
  private final Path root;
  private final Clock clock;
  /** Every key stored, with the simulated time it was stored at (the last one for a key stored twice). */
  public final Map<String, Instant> stored = new ConcurrentHashMap<>();

  public ClockedReplica(Path root, Clock clock) {
    this.root = root.toAbsolutePath();
    this.files = new io.litewake.internal.FileReplica(this.root);
    this.clock = clock;
  }

  private StoredObject stamp(StoredObject o) throws IOException {
    if (o == null) {
      return null;
    }
    Instant t = clock.instant();
    Files.setLastModifiedTime(root.resolve(o.key()), FileTime.from(t));
    stored.put(o.key(), t);
    return new StoredObject(o.key(), o.size(), t);
  }

  @Override
  public String location() {
    return files.location();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    return files.list(prefix);
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    return stamp(files.put(key, source));
  }

  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    return stamp(files.putIfAbsent(key, source));
  }

  @Override
  public InputStream open(String key) throws IOException {
    return files.open(key);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    files.delete(keys);
  }

  @Override
  public void close() {}
}
