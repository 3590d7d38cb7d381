package io.litewake.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;

/**
 * Storage behind a replica: a flat namespace of immutable objects under one location.
 *
 * <p>Litewake owns the layout (Litestream v0.3: {@code generations/<id>/snapshots/...} and
 * {@code generations/<id>/wal/...}); an implementation only stores, lists, reads and deletes
 * objects by key. Keys are relative to the replica's location, use {@code /} as separator and
 * never start with one. Implementations must be safe for use by several threads at once.
 *
 * <p>Every method may throw {@link IOException}; a missing object is reported as {@link
 * java.nio.file.NoSuchFileException} naming the key. Messages should say what to do (for
 * example which permission is missing on which key), because Litewake shows them to users as
 * the cause of its own errors.
 */
public interface Replica extends AutoCloseable {

  /**
   * Where the objects live, for logs and error messages, with every secret masked: for example
   * {@code s3://bucket/apps/orders} or {@code file:///var/backups/orders}.
   *
   * @return a printable location, never {@code null}
   */
  String location();

  /**
   * Lists every object whose key starts with {@code prefix}, recursively.
   *
   * @param prefix a key prefix that is empty or ends with {@code /}
   * @return the objects found, in any order; empty when there are none
   * @throws IOException if the store cannot be listed
   */
  List<StoredObject> list(String prefix) throws IOException;

  /**
   * Stores the content of a local file under {@code key}, replacing any object with that key.
   * When this method returns, the object must be durable and readable in full; an
   * implementation must detect a store that corrupts the bytes in transit (for example with
   * Content-MD5) and fail rather than report success.
   *
   * @param key the object key
   * @param source a regular file, not modified while the call runs
   * @return the stored object: its key and size as stored, and its storage timestamp where the
   *     upload's answer gives it, otherwise the time the upload completed on this host
   *     ({@link #list(String)} always reports the store's timestamp)
   * @throws IOException if the object could not be stored
   */
  StoredObject put(String key, Path source) throws IOException;

  /**
   * Stores the content of a local file under {@code key} only if no object has that key yet,
   * atomically where the store supports it (S3 {@code If-None-Match: *}). Litewake uses it for
   * WAL segments, so that a second writer continuing the same history cannot overwrite them.
   * The default, for stores without conditional writes, is {@link #put(String, Path)}.
   *
   * @param key the object key
   * @param source a regular file, not modified while the call runs
   * @return the stored object, or {@code null} if an object with that key already exists
   * @throws IOException if the object could not be stored
   */
  default StoredObject putIfAbsent(String key, Path source) throws IOException {
    return put(key, source);
  }

  /**
   * Opens an object for reading from its first byte.
   *
   * @param key the object key
   * @return a stream the caller closes
   * @throws java.nio.file.NoSuchFileException if there is no such object
   * @throws IOException if the object cannot be read
   */
  InputStream open(String key) throws IOException;

  /**
   * Opens a listed object for reading from its first byte, as a stream that may read ahead:
   * Litewake restores snapshots through it, decompressing while the bytes arrive. An
   * implementation may fetch several ranges in parallel (S3 does, with bounded memory); the
   * default is {@link #open(String)}.
   *
   * @param object the object as listed, with its size
   * @return a stream the caller closes
   * @throws java.nio.file.NoSuchFileException if there is no such object
   * @throws IOException if the object cannot be read
   */
  default InputStream open(StoredObject object) throws IOException {
    return open(object.key());
  }

  /**
   * Copies an object to a local file, replacing the file. Implementations may fetch ranges in
   * parallel; the default copies {@link #open(String)} sequentially.
   *
   * @param object the object, as listed
   * @param target the file to write
   * @throws IOException if the object cannot be read or the file written
   */
  default void download(StoredObject object, Path target) throws IOException {
    try (InputStream in = open(object.key())) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Deletes objects. Keys that do not exist are ignored.
   *
   * @param keys the keys to delete
   * @throws IOException if an object could not be deleted
   */
  void delete(Collection<String> keys) throws IOException;

  /**
   * A replica for the objects under {@code name/} of this one that shares this replica's clients
   * and connections; closing it releases nothing shared (close this replica after its children).
   * {@code ReplicatorGroup} uses it to serve many databases with one store client. The default
   * throws {@link UnsupportedOperationException}; the group then opens each database's replica on
   * its own.
   *
   * @param name one path segment: not empty, no {@code /}, not {@code .} or {@code ..}
   * @return the child replica
   * @throws IllegalArgumentException if {@code name} is not one path segment
   * @throws UnsupportedOperationException if this kind of replica cannot share its clients
   */
  default Replica child(String name) {
    throw new UnsupportedOperationException(getClass().getName() + " does not share its clients");
  }

  /**
   * A view of this replica whose transfers are paced by {@code throttle} (shared with other views:
   * {@code uploadRateLimit} gives all the replicas of a database one throttle). The view shares
   * everything with this replica; closing it releases nothing (close this replica as before).
   *
   * <p>The default paces whole objects: a {@link #put} first waits for its object's share of the
   * schedule, then uploads at full speed, and streams from {@link #open(String)} are paced as the
   * caller reads them. An implementation that can pace inside its transfers (so that a large object
   * does not go out in one burst) overrides this; Litewake's {@code file:} and {@code s3:} replicas
   * do.
   *
   * @param throttle the rate limit
   * @return the paced view
   */
  default Replica throttled(Throttle throttle) {
    return new io.litewake.internal.ThrottledReplica(this, throttle);
  }

  /**
   * Checks that {@code name} is one path segment, as {@link #child(String)} requires.
   *
   * @param name the name to check
   * @throws IllegalArgumentException naming the bad value
   */
  static void requireChildName(String name) {
    if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
        || name.equals("..") || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("a replica name must be one path segment (no '/', not '.' or '..'), was '"
          + name + "'");
    }
  }

  /** Releases clients, threads and connections held by this replica. Never throws. */
  @Override
  void close();
}
