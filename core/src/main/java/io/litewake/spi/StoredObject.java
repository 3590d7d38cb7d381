package io.litewake.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * An object as a {@link Replica} lists it.
 *
 * @param key the key, relative to the replica's location
 * @param size the size in bytes as stored
 * @param lastModified the storage timestamp (S3 {@code LastModified}, a file's mtime); it is the
 *     point in time of the object for point-in-time restores
 */
public record StoredObject(String key, long size, Instant lastModified) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code key} or {@code lastModified} is null
   * @throws IllegalArgumentException if {@code size} is negative
   *
   * @param key see the record component
   * @param size see the record component
   * @param lastModified see the record component
   */
  public StoredObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastModified, "lastModified");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
  }
}
