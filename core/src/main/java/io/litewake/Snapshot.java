package io.litewake;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot in a replica: the whole database file at the start of WAL {@code index} of a
 * generation.
 *
 * @param generation the generation id, 16 lowercase hex digits
 * @param index the WAL index the snapshot starts
 * @param compression how the object is compressed
 * @param size the stored (compressed) size in bytes
 * @param createdAt the storage timestamp of the object
 */
public record Snapshot(
    String generation, long index, Compression compression, long size, Instant createdAt) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a reference is null
   * @throws IllegalArgumentException if a number is negative
   *
   * @param generation see the record component
   * @param index see the record component
   * @param compression see the record component
   * @param size see the record component
   * @param createdAt see the record component
   */
  public Snapshot {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(createdAt, "createdAt");
    if (index < 0 || size < 0) {
      throw new IllegalArgumentException("index and size must not be negative: " + index + ", " + size);
    }
  }

  /**
   * The object key of this snapshot, relative to the replica location.
   *
   * @return for example {@code generations/0123456789abcdef/snapshots/00000000.snapshot.zst}
   */
  public String key() {
    return io.litewake.internal.Layout.snapshotKey(generation, index, compression);
  }
}
