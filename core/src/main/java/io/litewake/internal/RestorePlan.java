package io.litewake.internal;

import io.litewake.Generation;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore reads and in which order: one snapshot, then WAL segments that start at the
 * snapshot's index, at offset 0 of each WAL index, with consecutive indexes. Immutable; made by
 * {@link RestorePlanner}.
 *
 * @param generation the generation restored
 * @param snapshot the snapshot the database starts from
 * @param segments the WAL segments to apply, in (index, offset) order
 * @param passedOver a newer generation left out because it has no snapshot yet (latest-state
 *     restores only)
 * @param betweenKeptPoints true when a point in time fell where retention removed the WAL between
 *     two restore points it keeps (see {@link KeepPolicy}): the plan ends at the older one
 */
record RestorePlan(Generation generation, Snapshot snapshot, List<WalSegment> segments, Optional<String> passedOver,
    boolean betweenKeptPoints) {

  RestorePlan(Generation generation, Snapshot snapshot, List<WalSegment> segments, Optional<String> passedOver) {
    this(generation, snapshot, segments, passedOver, false);
  }

  RestorePlan {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(snapshot, "snapshot");
    segments = List.copyOf(segments);
    Objects.requireNonNull(passedOver, "passedOver");
  }

  /** How many objects the restore reads. */
  int objects() {
    return 1 + segments.size();
  }

  /** How many (stored, compressed) bytes the restore reads. */
  long bytes() {
    long n = snapshot.size();
    for (WalSegment w : segments) {
      n += w.size();
    }
    return n;
  }

  /** The last WAL index the restore applies. */
  long endIndex() {
    return segments.isEmpty() ? snapshot.index() : segments.get(segments.size() - 1).index();
  }

  /** The timestamp of the newest object the restore applies. */
  Instant pointInTime() {
    Instant t = snapshot.createdAt();
    for (WalSegment w : segments) {
      if (w.createdAt().isAfter(t)) {
        t = w.createdAt();
      }
    }
    return t;
  }
}
