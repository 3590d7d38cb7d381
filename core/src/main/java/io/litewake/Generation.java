package io.litewake;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One unbroken history in a replica: snapshots and the WAL segments that follow them.
 *
 * @param id 16 lowercase hex digits
 * @param snapshots the snapshots, oldest index first
 * @param walSegments the WAL segments, in (index, offset) order
 * @param createdAt the timestamp of the oldest object
 * @param updatedAt the timestamp of the newest object
 * @param fenced true if another writer took over the replica after this generation began (the
 *     writer claim names a generation that started later): its later objects are writes of an
 *     instance that was no longer the live one, and a restore of the latest state never picks it
 */
public record Generation(
    String id, List<Snapshot> snapshots, List<WalSegment> walSegments, Instant createdAt, Instant updatedAt,
    boolean fenced) {

  /**
   * A generation that is not fenced.
   *
   * @param id see the record component
   * @param snapshots see the record component
   * @param walSegments see the record component
   * @param createdAt see the record component
   * @param updatedAt see the record component
   */
  public Generation(String id, List<Snapshot> snapshots, List<WalSegment> walSegments, Instant createdAt,
      Instant updatedAt) {
    this(id, snapshots, walSegments, createdAt, updatedAt, false);
  }

  /**
   * Copies the lists and validates the components.
   *
   * @throws NullPointerException if a component is null
   *
   * @param id see the record component
   * @param snapshots see the record component
   * @param walSegments see the record component
   * @param createdAt see the record component
   * @param updatedAt see the record component
   * @param fenced see the record component
   */
  public Generation {
    Objects.requireNonNull(id, "id");
    snapshots = List.copyOf(snapshots);
    walSegments = List.copyOf(walSegments);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * The highest WAL index with data in this generation, or of a snapshot if there is no segment.
   *
   * @return the last index, or -1 when the generation holds nothing
   */
  public long lastIndex() {
    long last = -1;
    for (Snapshot s : snapshots) {
      last = Math.max(last, s.index());
    }
    for (WalSegment w : walSegments) {
      last = Math.max(last, w.index());
    }
    return last;
  }
}
