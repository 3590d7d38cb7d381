package io.litewake;

import java.util.Objects;

/**
 * A position in a replicated history: WAL {@code index} of a generation, byte {@code offset} in
 * that WAL (its 32-byte header included), as object keys name it.
 *
 * @param generation the generation id, 16 lowercase hex digits
 * @param index the WAL index within the generation (it increments each time SQLite restarts the WAL)
 * @param offset the byte offset in that WAL, just past the last copied commit frame
 */
public record Position(String generation, long index, long offset) {

  /**
   * Validates the components.
   *
   * @param generation see the record component
   * @param index see the record component
   * @param offset see the record component
   * @throws NullPointerException if {@code generation} is null
   * @throws IllegalArgumentException if a number is negative
   */
  public Position {
    Objects.requireNonNull(generation, "generation");
    if (index < 0 || offset < 0) {
      throw new IllegalArgumentException("index and offset must not be negative: " + index + ", " + offset);
    }
  }

  /**
   * The position as {@code generation/index-hex/offset-hex}, the hex numbers with eight digits at
   * least, as in object keys.
   *
   * @return for example {@code 0123456789abcdef/00000002/00001020}
   */
  @Override
  public String toString() {
    return String.format("%s/%08x/%08x", generation, index, offset);
  }
}
