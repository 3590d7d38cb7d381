package io.litewake.internal;

import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides what a retention pass may delete: only objects that no restore to a point inside the
 * retention window can need, never anything of the current generation's latest snapshot or after
 * it, and never a restore point the {@link KeepPolicy} keeps beyond the window (its snapshot and
 * the WAL segments of its own index up to it): the WAL between kept points goes.
 */
public final class Retention {
  private Retention() {}

  /** Keys to delete and when the next pass could delete anything more. */
  public record Plan(List<String> deletions, Instant nextDue) {}

  /** Plans a pass at {@code now} keeping every state newer than {@code now - retention}. */
  public static Plan plan(ReplicaContents contents, String current, Instant now, Duration retention) {
    return plan(contents, current, now, retention, KeepPolicy.NONE);
  }

  /**
   * Plans a pass at {@code now} keeping every state newer than {@code now - retention} and the
   * points {@code keep} names.
   */
  public static Plan plan(ReplicaContents contents, String current, Instant now, Duration retention,
      KeepPolicy keep) {
    Plan window = windowPlan(contents, current, now, retention);
    if (!keep.any()) {
      return window;
    }
    List<Snapshot> all = contents.generations().stream().flatMap(g -> g.snapshots().stream()).toList();
    java.util.Set<String> kept = KeepPolicy.protectedKeys(keep.kept(all),
        id -> contents.generation(id).map(Generation::walSegments).orElse(List.of()));
    List<String> delete = new ArrayList<>(window.deletions());
    delete.removeIf(kept::contains);
    return new Plan(delete, window.nextDue());
  }

  private static Plan windowPlan(ReplicaContents contents, String current, Instant now, Duration retention) {
    Instant cutoff = now.minus(retention);
    List<String> delete = new ArrayList<>();
    Instant next = Instant.MAX;
    Generation cur = contents.generation(current).orElse(null);
    Instant curCovered = null; // from when on the current generation alone serves every restore
    if (cur != null && !cur.snapshots().isEmpty()) {
      List<Snapshot> snaps = new ArrayList<>(cur.snapshots());
      snaps.sort(Comparator.comparing(Snapshot::createdAt).thenComparingLong(Snapshot::index));
      curCovered = snaps.get(0).createdAt();
      Snapshot base = null;
      int baseAt = -1;
      for (int i = 0; i < snaps.size(); i++) {
        if (!snaps.get(i).createdAt().isAfter(cutoff)) {
          base = snaps.get(i);
          baseAt = i;
        }
      }
      if (base != null) {
        for (int i = 0; i < baseAt; i++) {
          if (snaps.get(i).index() <= base.index()) {
            delete.add(snaps.get(i).key());
          }
        }
        for (WalSegment w : cur.walSegments()) {
          if (w.index() < base.index()) {
            delete.add(w.key());
          }
        }
      }
      int nextBase = baseAt + 1;
      if (nextBase < snaps.size() && nextBase > 0) {
        next = min(next, snaps.get(nextBase).createdAt().plus(retention));
      } else if (nextBase == 0 && snaps.size() > 1) {
        next = min(next, snaps.get(1).createdAt().plus(retention));
      }
    }
    for (Generation g : contents.generations()) {
      if (g.id().equals(current)) {
        continue;
      }
      if (curCovered == null) {
        continue; // the current generation cannot serve restores yet: keep the others
      }
      if (g.createdAt().isAfter(cur.createdAt())) {
        continue; // began after ours: another writer's newer history, never ours to delete
      }
      Instant expires = max(g.updatedAt(), curCovered).plus(retention);
      if (!expires.isAfter(now)) {
        for (Snapshot s : g.snapshots()) {
          delete.add(s.key());
        }
        for (WalSegment w : g.walSegments()) {
          delete.add(w.key());
        }
      } else {
        next = min(next, expires);
      }
    }
    return new Plan(delete, next);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
