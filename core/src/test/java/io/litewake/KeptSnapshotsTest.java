package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.testing.Await;
import io.litewake.testing.ClockedReplica;
import io.litewake.testing.Dbs;
import io.litewake.testing.SettableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore points kept beyond retention (grandfather-father-son), over eleven simulated weeks: an
 * injected clock moves twelve hours per step, a directory replica stamps every object with that
 * clock, a row is written and a snapshot taken each step. At the end exactly the points the policy
 * names (the newest snapshot of each of the 5 most recent days, 3 weeks, 2 months, UTC) are left
 * beyond the 2-day window, each with the WAL of its own index up to it, and nothing else; each
 * restores to the state it was taken at, an instant between kept points restores the newest kept
 * point at or before it, and the window still restores any point in time.
 */
class KeptSnapshotsTest {
  static final Instant START = Instant.parse("2025-12-01T05:00:00Z"); // a Monday
  static final Duration STEP = Duration.ofHours(12);
  static final Duration RETENTION = Duration.ofDays(2);
  static final int DAILY = 5;
  static final int WEEKLY = 3;
  static final int MONTHLY = 2;

  @TempDir Path dir;

  /** A snapshot as the test saw it uploaded, with the database as it was then. */
  record Point(String key, long index, Instant at, List<String> state) {}

  @Test
  void keepsExactlyThePointsThePolicyNamesAndEachRestores() throws Exception {
    SettableClock clock = new SettableClock(START);
    ClockedReplica replica = new ClockedReplica(dir.resolve("replica"), clock);
    Path db = dir.resolve("app.db");
    List<String> snapshotsUploaded = new CopyOnWriteArrayList<>();
    ReplicationListener listener = new ReplicationListener() {
      @Override
      public void uploaded(String where, String key, long bytes, boolean snapshot) {
        if (snapshot) {
          snapshotsUploaded.add(key);
        }
      }
    };
    List<Point> points = new ArrayList<>();
    int steps = 2 * 77;
    try (Connection app = Dbs.create(db)) {
      Dbs.exec(app, "CREATE TABLE marks (step INTEGER PRIMARY KEY, at TEXT)");
      try (Replicator r = Replicator.of(db).to(replica).clock(clock).listener(listener)
          .syncInterval(Duration.ofMillis(40)).snapshotInterval(STEP).retention(RETENTION)
          .keepDailySnapshots(DAILY).keepWeeklySnapshots(WEEKLY).keepMonthlySnapshots(MONTHLY)
          .start()) {
        Await.until(Duration.ofSeconds(10), "the first snapshot", () -> snapshotsUploaded.size() == 1);
        r.sync();
        points.add(point(snapshotsUploaded.get(0), replica, app));
        try (PreparedStatement ins = app.prepareStatement("INSERT INTO marks VALUES (?, ?)")) {
          for (int step = 1; step <= steps; step++) {
            Instant now = clock.advance(STEP);
            ins.setInt(1, step);
            ins.setString(2, now.toString());
            ins.executeUpdate();
            int want = step + 1;
            Await.until(Duration.ofSeconds(20), "the snapshot of step " + step, () -> snapshotsUploaded.size() >= want);
            r.sync();
            assertThat(snapshotsUploaded).hasSize(want);
            points.add(point(snapshotsUploaded.get(step), replica, app));
          }
        }
        Instant end = clock.instant();
        Map<String, Instant> expected = expectedObjects(points, replica.stored, end);
        // retention runs after each snapshot upload; the last pass may still be under way
        Await.until(Duration.ofSeconds(20), "retention leaves exactly the kept points and the window",
            () -> objects(replica).equals(expected));
      }
    }
    assertThat(points).extracting(Point::key).doesNotHaveDuplicates(); // every snapshot its own key

    Map<String, Instant> left = objects(replica);
    List<Point> kept = kept(points);
    System.out.printf("KeptSnapshotsTest: %d steps, %d snapshots taken, %d kept points, %d objects left%n", steps,
        points.size(), kept.size(), left.size());
    assertThat(kept.size()).isBetween(Math.max(DAILY, Math.max(WEEKLY, MONTHLY)), DAILY + WEEKLY + MONTHLY);
    Instant cutoff = clock.instant().minus(RETENTION);
    // the listing shows them
    ReplicaContents contents = Restore.from(replica).list();
    assertThat(contents.generations()).hasSize(1);
    Generation g = contents.generations().get(0);
    assertThat(g.snapshots().stream().map(Snapshot::key).collect(Collectors.toSet()))
        .containsAll(kept.stream().map(Point::key).toList());
    TreeSet<String> oldListed = g.snapshots().stream().filter(s -> s.createdAt().isBefore(cutoff.minus(STEP)))
        .map(Snapshot::key).collect(Collectors.toCollection(TreeSet::new));
    TreeSet<String> oldKept = kept.stream().filter(p -> p.at().isBefore(cutoff.minus(STEP))).map(Point::key)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(oldListed).isEqualTo(oldKept);

    // each kept point restores to its state, at its instant and at an instant after it
    for (Point p : kept) {
      Path out = dir.resolve("at-" + p.index() + ".db");
      RestoreResult r = Restore.from(replica).to(out).at(p.at()).run();
      assertThat(r.snapshotIndex()).hasValue(p.index());
      assertThat(r.pointInTime()).contains(p.at());
      assertThat(Dbs.dump(out)).as("restore of the point kept at %s", p.at()).isEqualTo(p.state());
      Path later = dir.resolve("after-" + p.index() + ".db");
      RestoreResult between = Restore.from(replica).to(later).at(p.at().plus(Duration.ofHours(7))).run();
      assertThat(between.snapshotIndex()).hasValue(p.index());
      assertThat(between.pointInTime()).contains(p.at());
      assertThat(Dbs.dump(later)).isEqualTo(p.state());
    }
    // inside the window any point in time restores; latest is the last state
    Point inWindow = points.get(points.size() - 3);
    Path w = dir.resolve("window.db");
    Restore.from(replica).to(w).at(inWindow.at().plus(Duration.ofHours(1))).run();
    assertThat(Dbs.dump(w)).isEqualTo(inWindow.state());
    Path latest = dir.resolve("latest.db");
    Restore.from(replica).to(latest).run();
    assertThat(Dbs.dump(latest)).isEqualTo(points.get(points.size() - 1).state());
    // before the oldest kept point there is nothing
    Instant oldest = kept.stream().map(Point::at).min(Comparator.naturalOrder()).orElseThrow();
    assertThatThrownBy(() -> Restore.from(replica).to(dir.resolve("too-old.db")).at(oldest.minusSeconds(1)).run())
        .isInstanceOf(LitewakeException.class).hasMessageContaining("no snapshot taken at or before");
    assertThat(left).isNotEmpty();
  }

  private static Point point(String key, ClockedReplica replica, Connection app) throws Exception {
    String name = key.substring(key.lastIndexOf('/') + 1);
    long index = Long.parseLong(name.substring(0, name.indexOf('.')), 16);
    return new Point(key, index, replica.stored.get(key), Dbs.dump(app));
  }

  /** The policy, written independently of the implementation: newest per UTC period, n most recent periods. */
  static List<Point> kept(List<Point> points) {
    Map<String, Point> out = new LinkedHashMap<>();
    for (Point p : newestPer(points, t -> t, DAILY)) {
      out.put(p.key(), p);
    }
    for (Point p : newestPer(points, t -> t.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), WEEKLY)) {
      out.put(p.key(), p);
    }
    for (Point p : newestPer(points, t -> t.withDayOfMonth(1), MONTHLY)) {
      out.put(p.key(), p);
    }
    return new ArrayList<>(out.values());
  }

  private static List<Point> newestPer(List<Point> points, Function<LocalDate, LocalDate> period, int n) {
    TreeMap<LocalDate, Point> newest = new TreeMap<>(Comparator.reverseOrder());
    for (Point p : points) {
      newest.merge(period.apply(LocalDate.ofInstant(p.at(), ZoneOffset.UTC)), p,
          (a, b) -> a.at().isAfter(b.at()) ? a : b);
    }
    return newest.values().stream().limit(n).toList();
  }

  /**
   * What must be left: every kept point's snapshot and the WAL of its index stored up to it; the
   * window (the newest snapshot at or before the cutoff and everything after it).
   */
  static Map<String, Instant> expectedObjects(List<Point> points, Map<String, Instant> stored, Instant end) {
    Instant cutoff = end.minus(RETENTION);
    Point base = points.stream().filter(p -> !p.at().isAfter(cutoff)).reduce((a, b) -> b).orElseThrow();
    Map<String, Instant> out = new TreeMap<>();
    for (Map.Entry<String, Instant> e : stored.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("generations/")) {
        continue;
      }
      boolean snapshot = key.contains("/snapshots/");
      long index = Long.parseLong(key.substring(key.lastIndexOf('/') + 1, key.lastIndexOf('/') + 9), 16);
      boolean window = snapshot ? !e.getValue().isBefore(base.at()) : index >= base.index();
      boolean keptPoint = kept(points).stream().anyMatch(p -> snapshot ? p.key().equals(key)
          : p.index() == index && !e.getValue().isAfter(p.at()));
      if (window || keptPoint) {
        out.put(key, e.getValue());
      }
    }
    return out;
  }

  private static Map<String, Instant> objects(ClockedReplica replica) {
    try {
      Map<String, Instant> m = new TreeMap<>();
      replica.list("generations/").forEach(o -> m.put(o.key(), o.lastModified()));
      return m;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
