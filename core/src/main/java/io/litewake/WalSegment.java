package io.litewake;

import java.time.Instant;
import java.util.Objects;

/**
 * A WAL segment in a replica: raw WAL bytes of WAL {@code index} of a generation, starting at
 * byte {@code offset} of that WAL (the 32-byte WAL header included when the offset is 0) and
 * ending on a commit frame.
 *
 * @param generation the generation id, 16 lowercase hex digits
 * @param index the WAL index within the generation
 * @param offset the byte offset in that WAL
 * @param compression how the object is compressed
 * @param size the stored (compressed) size in bytes
 * @param createdAt the storage timestamp of the object
 */
public record WalSegment(
    String generation, long index, long offset, Compression compression, long size, Instant createdAt) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a reference is null
   * @throws IllegalArgumentException if a number is negative
   *
   * @param generation see the record component
   * @param index see the record component
   * @param offset see the record component
   * @param compression see the record component
   * @param size see the record component
   * @param createdAt see the record component
   */
  public WalSegment {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(createdAt, "createdAt");
    if (index < 0 || offset < 0 || size < 0) {
      throw new IllegalArgumentException(
          "index, offset and size must not be negative: " + index + ", " + offset + ", " + size);
    }
  }

  /**
   * The object key of this segment, relative to the replica location.
   *
   * @return for example {@code generations/0123456789abcdef/wal/00000000_00000000.wal.zst}
   */
  public String key() {
    return io.litewake.internal.Layout.walKey(generation, index, offset, compression);
  }
}
