package io.litewake.internal;

import io.litewake.Generation;
import io.litewake.LitewakeException;
import io.litewake.ReplicaContents;
import io.litewake.ReplicaDamagedException;
import io.litewake.RestorePlan;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Chooses what a restore reads from a listing alone: the generation, the snapshot and the WAL
 * segments after it, for the latest state, a point in time, or the end of a WAL index. It checks
 * what a listing can show (a WAL index without segments, a WAL index whose first segment is not
 * at offset 0); contiguity inside a WAL index needs the segments' content and is checked by
 * {@link WalApplier}.
 *
 * <p>Pure and stateless: no I/O, no logging, the same answer for the same arguments.
 */
final class RestorePlanner {
  private RestorePlanner() {}

  /**
   * Plans a restore.
   *
   * @param contents the parsed listing of the replica
   * @param point the state asked for
   * @return the plan
   * @throws ReplicaDamagedException if the listing shows a missing object (a generation without
   *     snapshot where one is needed, a gap in the WAL indexes, a WAL index not starting at 0)
   * @throws LitewakeException if the replica holds nothing to restore at that point
   */
  static RestorePlan plan(ReplicaContents contents, RestorePoint point) {
    String where = contents.location();
    if (contents.isEmpty()) {
      throw new LitewakeException("replica " + where + " holds no generation, so nothing can be restored");
    }
    Optional<Instant> at = point.at();
    OptionalLong index = point.index();
    Generation g;
    Optional<String> passedOver = Optional.empty();
    if (point.generation().isPresent()) {
      String id = point.generation().get();
      g = contents.generation(id).orElseThrow(() -> new LitewakeException("replica " + where
          + " has no generation " + id + "; it has " + contents.generations().stream().map(Generation::id).toList()));
    } else if (at.isPresent()) {
      g = newestAt(contents, at.get());
    } else {
      List<Generation> withSnapshot = contents.generations().stream().filter(x -> !x.snapshots().isEmpty()).toList();
      List<Generation> live = withSnapshot.stream().filter(x -> !x.fenced()).toList();
      if (!live.isEmpty()) {
        withSnapshot = live; // a fenced writer's history is never the latest while the live one is restorable
      }
      Generation newest = contents.latest().orElseThrow();
      if (withSnapshot.isEmpty()) {
        throw new ReplicaDamagedException("replica " + where + " holds no snapshot, so nothing can be restored: "
            + contents.generations().stream().map(x -> Layout.snapshotsPrefix(x.id())).toList()
            + " are empty; the replica is damaged or was written by an incomplete upload",
            Layout.snapshotsPrefix(newest.id()), null);
      }
      g = withSnapshot.get(withSnapshot.size() - 1);
      if (!newest.id().equals(g.id())) {
        passedOver = Optional.of(newest.id());
      }
    }
    Snapshot s = snapshot(where, g, at, index);
    List<WalSegment> segments = new ArrayList<>();
    for (WalSegment w : g.walSegments()) {
      if (w.index() < s.index()) {
        continue;
      }
      if ((index.isPresent() && w.index() > index.getAsLong()) || (at.isPresent() && w.createdAt().isAfter(at.get()))) {
        break;
      }
      segments.add(w);
    }
    if (index.isPresent() && g.lastIndex() < index.getAsLong()) {
      throw new LitewakeException("generation " + g.id() + " in " + where + " ends at index " + g.lastIndex()
          + ", before the requested index " + index.getAsLong());
    }
    int upTo = at.isPresent() ? beforeLaterKeptPoint(g, s, segments, at.get()) : segments.size();
    boolean thinned = upTo < segments.size();
    segments = new ArrayList<>(segments.subList(0, upTo));
    checkIndexes(where, g.id(), s.index(), segments);
    return new RestorePlan(g, s, segments, passedOver, thinned);
  }

  /**
   * Where the WAL that a point-in-time restore can apply ends when retention kept restore points
   * beyond its window ({@link KeepPolicy}): the WAL between two kept points is gone, but the head of
   * a later point's WAL index (stored before its snapshot, so possibly before {@code at}) is still
   * there. A gap in the WAL indexes right before an index at or below which the generation has a
   * snapshot taken after {@code at} is that case: the restore ends before the gap, at the newest
   * kept state at or before {@code at}. Any other gap is left for {@link #checkIndexes} to report.
   *
   * @return how many of {@code segments} to apply
   */
  private static int beforeLaterKeptPoint(Generation g, Snapshot s, List<WalSegment> segments, Instant at) {
    long current = -1;
    for (int i = 0; i < segments.size(); i++) {
      WalSegment w = segments.get(i);
      if (current >= 0 && w.index() == current) {
        continue;
      }
      long expected = current < 0 ? s.index() : current + 1;
      if (w.index() == expected && w.offset() == 0) {
        current = w.index();
        continue;
      }
      boolean laterPoint = g.snapshots().stream().anyMatch(x -> x.index() > s.index() && x.index() <= w.index()
          && x.createdAt().isAfter(at));
      return laterPoint ? i : segments.size();
    }
    return segments.size();
  }

  /**
   * The generation whose newest object not after {@code at} is the newest, among those with a
   * snapshot not after {@code at} (a later generation wins a tie).
   */
  private static Generation newestAt(ReplicaContents contents, Instant at) {
    Instant takeover = contents.claimedGeneration().flatMap(contents::generation).map(Generation::createdAt).orElse(null);
    Generation live = newestAt(contents, at, takeover);
    return live != null || takeover == null ? orNone(contents, at, live) : orNone(contents, at, newestAt(contents, at, null));
  }

  /** The newest generation at {@code at}, skipping fenced ones at or after {@code takeover} (if not null). */
  private static Generation newestAt(ReplicaContents contents, Instant at, Instant takeover) {
    Generation best = null;
    Instant bestTime = null;
    for (Generation g : contents.generations()) {
      if (g.snapshots().stream().allMatch(s -> s.createdAt().isAfter(at))) {
        continue;
      }
      if (g.fenced() && takeover != null && !at.isBefore(takeover)) {
        continue; // after the takeover, this history was no longer the live one
      }
      Instant newest = newestUpTo(g, at);
      if (bestTime == null || !newest.isBefore(bestTime)) {
        bestTime = newest;
        best = g;
      }
    }
    return best;
  }

  private static Generation orNone(ReplicaContents contents, Instant at, Generation best) {
    if (best == null) {
      throw new LitewakeException("replica " + contents.location() + " holds no snapshot taken at or before " + at
          + "; the oldest state it can restore is from "
          + contents.generations().stream().flatMap(g -> g.snapshots().stream()).map(Snapshot::createdAt)
              .min(Comparator.naturalOrder()).map(Object::toString).orElse("(none)"));
    }
    return best;
  }

  private static Instant newestUpTo(Generation g, Instant at) {
    Instant best = Instant.MIN;
    for (Snapshot s : g.snapshots()) {
      if (!s.createdAt().isAfter(at) && s.createdAt().isAfter(best)) {
        best = s.createdAt();
      }
    }
    for (WalSegment w : g.walSegments()) {
      if (!w.createdAt().isAfter(at) && w.createdAt().isAfter(best)) {
        best = w.createdAt();
      }
    }
    return best;
  }

  /** The snapshot of the highest index (then the newest) not after {@code at} and {@code index}. */
  private static Snapshot snapshot(String where, Generation g, Optional<Instant> at, OptionalLong index) {
    return g.snapshots().stream()
        .filter(s -> at.isEmpty() || !s.createdAt().isAfter(at.get()))
        .filter(s -> index.isEmpty() || s.index() <= index.getAsLong())
        .max(Comparator.comparingLong(Snapshot::index).thenComparing(Snapshot::createdAt))
        .orElseThrow(() -> new LitewakeException("generation " + g.id() + " in " + where + " has no snapshot"
            + (index.isPresent() ? " at or before index " + index.getAsLong() : "")
            + (at.isPresent() ? " taken at or before " + at.get() : "")
            + "; choose another generation or point in time (Restore.list() shows what exists)"));
  }

  /**
   * Checks that the segments start at the snapshot's index and that each following WAL index
   * starts at offset 0 right after the previous one.
   */
  private static void checkIndexes(String where, String generation, long first, List<WalSegment> segments) {
    long current = -1;
    for (WalSegment w : segments) {
      if (current >= 0 && w.index() == current) {
        continue;
      }
      long expected = current < 0 ? first : current + 1;
      if (w.index() != expected) {
        throw RestoreErrors.missingIndex(where, generation, expected, w.compression());
      }
      if (w.offset() != 0) {
        throw RestoreErrors.missingSegment(where, generation, w.index(), 0, w.key(), w.compression());
      }
      current = w.index();
    }
  }
}
