package io.litewake.internal;

import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;

/**
 * The default {@link Replica#throttled(Throttle)} view of a replica that cannot pace inside its
 * transfers: an upload waits for its whole object's share of the schedule first, and streams are
 * paced as they are read. Stateless beyond its two references; as thread-safe as the replica.
 */
public final class ThrottledReplica implements Replica {
  private final Replica replica;
  private final Throttle throttle;

  /**
   * A paced view.
   *
   * @param replica the replica
   * @param throttle the rate limit
   */
  public ThrottledReplica(Replica replica, Throttle throttle) {
    this.replica = Checks.requireNonNull(replica, "replica");
    this.throttle = Checks.requireNonNull(throttle, "throttle");
  }

  @Override
  public String location() {
    return replica.location();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    return replica.list(prefix);
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    throttle.acquire(Files.size(source));
    return replica.put(key, source);
  }

  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    throttle.acquire(Files.size(source));
    return replica.putIfAbsent(key, source);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return Paced.input(replica.open(key), throttle);
  }

  @Override
  public InputStream open(StoredObject object) throws IOException {
    return Paced.input(replica.open(object), throttle);
  }

  @Override
  public void download(StoredObject object, Path target) throws IOException {
    try (InputStream in = open(object)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    replica.delete(keys);
  }

  @Override
  public Replica throttled(Throttle other) {
    return replica.throttled(other);
  }

  /** Releases nothing: the replica is closed by whoever opened it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return location() + " at " + throttle;
  }
}
