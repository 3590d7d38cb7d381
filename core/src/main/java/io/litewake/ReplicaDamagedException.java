package io.litewake;

import java.util.Objects;

/**
 * A restore met a damaged object in the replica (bad checksum, truncated, cannot be decompressed,
 * not what its key says) or found one missing (listed but unreadable, or a gap in the WAL
 * history). The message and {@link #key()} name the object; nothing was written to the output
 * path. Restoring an earlier point in time or generation may avoid the damage.
 */
public class ReplicaDamagedException extends LitewakeException {

  private static final long serialVersionUID = 1L;

  /** The key of the damaged or missing object, relative to the replica location. */
  private final String key;

  /**
   * Creates an exception naming the damaged or missing object.
   *
   * @param message what is wrong, naming {@code key}, and what to do about it
   * @param key the object's key, relative to the replica location (for a missing snapshot, the
   *     prefix under which none was found)
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code key} is null
   */
  public ReplicaDamagedException(String message, String key, Throwable cause) {
    super(message, cause);
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * The object that is damaged or missing.
   *
   * @return its key relative to the replica location, such as {@code
   *     generations/0123456789abcdef/wal/00000001_00000000.wal.zst}; for a missing snapshot, the
   *     prefix under which none was found, such as {@code generations/0123456789abcdef/snapshots/}
   */
  public String key() {
    return key;
  }
}
