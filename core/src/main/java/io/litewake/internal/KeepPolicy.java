package io.litewake.internal;

import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Grandfather-father-son restore points kept beyond the retention window: for each of the {@code
 * daily} most recent UTC calendar days that have a snapshot, the newest snapshot of that day; the
 * same for the {@code weekly} most recent ISO weeks (Monday 00:00 UTC to the next Monday) and the
 * {@code monthly} most recent calendar months (the 1st, 00:00 UTC). Periods without a snapshot do
 * not count, so a database that was not written for a while keeps its last points. A kept point
 * is its snapshot plus the WAL segments of the snapshot's own WAL index stored no later than it:
 * the snapshot is only consistent with those frames (see {@link #protectedKeys}). Pure and
 * immutable.
 *
 * @param daily how many daily points, 0 for none
 * @param weekly how many weekly points, 0 for none
 * @param monthly how many monthly points, 0 for none
 */
public record KeepPolicy(int daily, int weekly, int monthly) {
  /** Keeps nothing beyond the retention window. */
  public static final KeepPolicy NONE = new KeepPolicy(0, 0, 0);

  /**
   * Validates the counts.
   *
   * @param daily see the record component
   * @param weekly see the record component
   * @param monthly see the record component
   */
  public KeepPolicy {
    Checks.requireArgument(daily >= 0 && weekly >= 0 && monthly >= 0,
        "keep counts must not be negative: " + daily + ", " + weekly + ", " + monthly);
  }

  /**
   * Whether anything is kept beyond the window.
   *
   * @return false for {@link #NONE}
   */
  public boolean any() {
    return daily > 0 || weekly > 0 || monthly > 0;
  }

  /** The same policy with another daily count. */
  public KeepPolicy withDaily(int n) {
    return new KeepPolicy(n, weekly, monthly);
  }

  /** The same policy with another weekly count. */
  public KeepPolicy withWeekly(int n) {
    return new KeepPolicy(daily, n, monthly);
  }

  /** The same policy with another monthly count. */
  public KeepPolicy withMonthly(int n) {
    return new KeepPolicy(daily, weekly, n);
  }

  /** The UTC day of an instant. */
  static LocalDate day(Snapshot s) {
    return LocalDate.ofInstant(s.createdAt(), ZoneOffset.UTC);
  }

  /**
   * The snapshots this policy keeps, newest first within each kind (a snapshot may be kept for
   * several reasons; it appears once).
   *
   * @param snapshots every snapshot of the replica, of every generation
   * @return the kept ones
   */
  public List<Snapshot> kept(Collection<Snapshot> snapshots) {
    Set<Snapshot> out = new LinkedHashSet<>();
    out.addAll(newestPerPeriod(snapshots, KeepPolicy::day, daily));
    out.addAll(newestPerPeriod(snapshots, s -> day(s).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), weekly));
    out.addAll(newestPerPeriod(snapshots, s -> day(s).withDayOfMonth(1), monthly));
    return new ArrayList<>(out);
  }

  /** The newest snapshot of each of the {@code n} most recent periods that have one. */
  private static List<Snapshot> newestPerPeriod(Collection<Snapshot> snapshots, Function<Snapshot, LocalDate> period,
      int n) {
    if (n == 0) {
      return List.of();
    }
    Comparator<Snapshot> newer = Comparator.comparing(Snapshot::createdAt).thenComparingLong(Snapshot::index)
        .thenComparing(Snapshot::generation);
    Map<LocalDate, Snapshot> newest = new TreeMap<>(Comparator.reverseOrder());
    for (Snapshot s : snapshots) {
      newest.merge(period.apply(s), s, (a, b) -> newer.compare(a, b) >= 0 ? a : b);
    }
    return newest.values().stream().limit(n).toList();
  }

  /**
   * The keys a kept point consists of: each kept snapshot, and the WAL segments of its generation
   * and WAL index stored no later than it (a snapshot read while frames of its index were not yet
   * checkpointed needs them; Litewake uploads them before the snapshot).
   *
   * @param kept the kept snapshots
   * @param walOf the WAL segments of a generation, by generation id
   * @return every key retention must leave in place
   */
  public static Set<String> protectedKeys(List<Snapshot> kept, Function<String, List<WalSegment>> walOf) {
    Set<String> keys = new LinkedHashSet<>();
    for (Snapshot s : kept) {
      keys.add(s.key());
      for (WalSegment w : walOf.apply(s.generation())) {
        if (w.index() == s.index() && !w.createdAt().isAfter(s.createdAt())) {
          keys.add(w.key());
        }
      }
    }
    return keys;
  }

  @Override
  public String toString() {
    return "keep " + daily + " daily, " + weekly + " weekly, " + monthly + " monthly";
  }
}
