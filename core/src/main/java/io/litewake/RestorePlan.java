package io.litewake;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore reads and in which order, as {@link Restore#plan()} shows it before anything is
 * downloaded: one snapshot, then the WAL segments that follow it (from offset 0 of the snapshot's
 * WAL index, with consecutive indexes). Immutable.
 *
 * <pre>{@code
 * Restore.from(uri).at(instant).plan().ifPresent(p ->
 *     System.out.println(p.objects() + " objects, " + p.bytes() + " bytes, as of " + p.pointInTime()));
 * }</pre>
 *
 * @param generation the generation restored
 * @param snapshot the snapshot the database starts from
 * @param segments the WAL segments to apply, in (index, offset) order
 * @param betweenKeptPoints true when a point in time fell where retention removed the WAL between
 *     two restore points it keeps ({@code keepDailySnapshots} and the like): the plan ends at the
 *     older one
 * @param passedOver a newer generation left out because it has no snapshot yet (latest-state
 *     restores only), else empty
 */
public record RestorePlan(Generation generation, Snapshot snapshot, List<WalSegment> segments,
    Optional<String> passedOver, boolean betweenKeptPoints) {

  /**
   * A plan that does not fall between kept restore points.
   *
   * @param generation see the record component
   * @param snapshot see the record component
   * @param segments see the record component
   * @param passedOver see the record component
   */
  public RestorePlan(Generation generation, Snapshot snapshot, List<WalSegment> segments, Optional<String> passedOver) {
    this(generation, snapshot, segments, passedOver, false);
  }

  /**
   * Copies the list and validates the components.
   *
   * @throws NullPointerException if a component is null
   *
   * @param generation see the record component
   * @param snapshot see the record component
   * @param segments see the record component
   * @param passedOver see the record component
   * @param betweenKeptPoints see the record component
   */
  public RestorePlan {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(snapshot, "snapshot");
    segments = List.copyOf(segments);
    Objects.requireNonNull(passedOver, "passedOver");
  }

  /**
   * How many objects the restore reads.
   *
   * @return the snapshot plus the WAL segments
   */
  public int objects() {
    return 1 + segments.size();
  }

  /**
   * How many (stored, compressed) bytes the restore reads.
   *
   * @return the sum of the objects' stored sizes
   */
  public long bytes() {
    long n = snapshot.size();
    for (WalSegment w : segments) {
      n += w.size();
    }
    return n;
  }

  /**
   * The last WAL index the restore applies.
   *
   * @return the index of the last segment, or the snapshot's when there is no segment
   */
  public long endIndex() {
    return segments.isEmpty() ? snapshot.index() : segments.get(segments.size() - 1).index();
  }

  /**
   * The point in time the restore reaches: the storage timestamp of the newest object it applies.
   *
   * @return the timestamp
   */
  public Instant pointInTime() {
    Instant t = snapshot.createdAt();
    for (WalSegment w : segments) {
      if (w.createdAt().isAfter(t)) {
        t = w.createdAt();
      }
    }
    return t;
  }
}
