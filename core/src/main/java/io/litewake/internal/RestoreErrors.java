package io.litewake.internal;

import io.litewake.Compression;
import io.litewake.ReplicaDamagedException;

/**
 * The exceptions of a restore that meets a damaged or missing object, worded in one place for
 * the planner, the fetcher and the appliers. Stateless.
 */
final class RestoreErrors {
  private static final String EARLIER =
      "; the replica is damaged after that point: restore an earlier point in time with at() or index()";

  private RestoreErrors() {}

  /** An object that was listed but cannot be read. */
  static ReplicaDamagedException missing(String location, String key, Throwable cause) {
    return new ReplicaDamagedException("cannot restore from " + location + ": object " + key
        + " is missing (it was listed but cannot be read)", key, cause);
  }

  /** An object whose content is not what its key says. */
  static ReplicaDamagedException damaged(String location, String key, String why, Throwable cause) {
    return new ReplicaDamagedException("cannot restore from " + location + ": object " + key
        + " is damaged: " + why + "; restore an earlier point in time or generation", key, cause);
  }

  /** A WAL index with no segment although a later one has segments. */
  static ReplicaDamagedException missingIndex(String location, String generation, long index, Compression c) {
    String key = Layout.walKey(generation, index, 0, c);
    return new ReplicaDamagedException("cannot restore from " + location + ": WAL index " + index
        + " of generation " + generation + " is missing (expected object " + key + ")" + EARLIER, key, null);
  }

  /** A WAL segment that should start at {@code offset} of WAL {@code index}, where {@code next} stands instead. */
  static ReplicaDamagedException missingSegment(String location, String generation, long index, long offset,
      String next, Compression c) {
    String key = Layout.walKey(generation, index, offset, c);
    return new ReplicaDamagedException("cannot restore from " + location + ": WAL segment " + key
        + " is missing (the next object is " + next + ")" + EARLIER, key, null);
  }
}
