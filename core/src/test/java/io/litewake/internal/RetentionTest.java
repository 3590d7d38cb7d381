package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.spi.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String CUR = "aaaaaaaaaaaaaaaa";
  static final String OLD = "bbbbbbbbbbbbbbbb";

  static StoredObject snap(String g, int idx, int hours) {
    return new StoredObject(String.format("generations/%s/snapshots/%08x.snapshot.zst", g, idx), 10, T0.plus(Duration.ofHours(hours)));
  }

  static StoredObject wal(String g, int idx, int off, int hours) {
    return new StoredObject(String.format("generations/%s/wal/%08x_%08x.wal.zst", g, idx, off), 10, T0.plus(Duration.ofHours(hours)));
  }

  @Test
  void keepsTheNewestSnapshotOlderThanTheWindowAndEverythingAfter() {
    List<StoredObject> objs = new ArrayList<>(List.of(
        snap(CUR, 0, 0), wal(CUR, 0, 0, 1), wal(CUR, 1, 0, 5),
        snap(CUR, 2, 24), wal(CUR, 2, 0, 25), wal(CUR, 3, 0, 30),
        snap(CUR, 4, 48), wal(CUR, 4, 0, 49)));
    objs.add(new StoredObject("generations/" + CUR + "/junk.txt", 1, T0));
    var contents = Layout.parse("x", objs);
    assertThat(contents.ignoredKeys()).containsExactly("generations/" + CUR + "/junk.txt");

    // at 50h with 24h retention the window starts at 26h: snapshot 2 (24h) is its base
    Retention.Plan p = Retention.plan(contents, CUR, T0.plus(Duration.ofHours(50)), Duration.ofHours(24));
    assertThat(p.deletions()).containsExactlyInAnyOrder(
        snap(CUR, 0, 0).key(), wal(CUR, 0, 0, 1).key(), wal(CUR, 1, 0, 5).key());
    assertThat(p.nextDue()).isEqualTo(T0.plus(Duration.ofHours(72)));

    // at 30h nothing is older than the newest snapshot before the window (snapshot 0)
    Retention.Plan early = Retention.plan(contents, CUR, T0.plus(Duration.ofHours(30)), Duration.ofHours(24));
    assertThat(early.deletions()).isEmpty();
    assertThat(early.nextDue()).isEqualTo(T0.plus(Duration.ofHours(48)));
  }

  @Test
  void otherGenerationsGoOnlyWhenTheCurrentOneCoversTheWindow() {
    var contents = Layout.parse("x", List.of(snap(OLD, 0, 0), wal(OLD, 0, 0, 2), snap(CUR, 0, 10), wal(CUR, 0, 0, 11)));
    // at 20h the window starts at -4h: the old generation is still needed
    Retention.Plan p = Retention.plan(contents, CUR, T0.plus(Duration.ofHours(20)), Duration.ofHours(24));
    assertThat(p.deletions()).isEmpty();
    assertThat(p.nextDue()).isEqualTo(T0.plus(Duration.ofHours(34)));
    // at 34h the current generation's first snapshot (10h) is at the window's start
    Retention.Plan later = Retention.plan(contents, CUR, T0.plus(Duration.ofHours(34)), Duration.ofHours(24));
    assertThat(later.deletions()).containsExactlyInAnyOrder(snap(OLD, 0, 0).key(), wal(OLD, 0, 0, 2).key());
    // a current generation without snapshot never lets others go
    var noSnap = Layout.parse("x", List.of(snap(OLD, 0, 0), wal(CUR, 0, 0, 11)));
    assertThat(Retention.plan(noSnap, CUR, T0.plus(Duration.ofDays(9)), Duration.ofHours(24)).deletions()).isEmpty();
  }

  /**
   * A keep policy protects the newest snapshot of each kept day (with the WAL of its own index up
   * to it) and lets retention remove everything else outside the window, the WAL between kept
   * points included.
   */
  @Test
  void keptPointsSurviveAndTheWalBetweenThemGoes() {
    List<StoredObject> objs = new ArrayList<>();
    // day 0: snapshots at 1h (index 0) and 13h (index 2); day 1: 25h (index 4) and 37h (index 6)
    objs.add(wal(CUR, 0, 0, 0));
    objs.add(snap(CUR, 0, 1));
    objs.add(wal(CUR, 1, 0, 5));
    objs.add(wal(CUR, 2, 0, 12));
    objs.add(snap(CUR, 2, 13));
    objs.add(wal(CUR, 2, 4152, 14));
    objs.add(wal(CUR, 3, 0, 20));
    objs.add(snap(CUR, 4, 25));
    objs.add(wal(CUR, 5, 0, 30));
    objs.add(snap(CUR, 6, 37));
    objs.add(wal(CUR, 6, 0, 40));
    objs.add(snap(CUR, 8, 100));
    objs.add(wal(CUR, 8, 0, 101));
    var contents = Layout.parse("x", objs);
    // at 110h, 2h window: base is snapshot 8; keep 2 daily: day 4 (snapshot 8) and day 1 (snapshot 6)
    Retention.Plan p = Retention.plan(contents, CUR, T0.plus(Duration.ofHours(110)), Duration.ofHours(2),
        new KeepPolicy(2, 0, 0));
    assertThat(p.deletions()).containsExactlyInAnyOrder(
        wal(CUR, 0, 0, 0).key(), snap(CUR, 0, 1).key(), wal(CUR, 1, 0, 5).key(), wal(CUR, 2, 0, 12).key(),
        snap(CUR, 2, 13).key(), wal(CUR, 2, 4152, 14).key(), wal(CUR, 3, 0, 20).key(), snap(CUR, 4, 25).key(),
        wal(CUR, 5, 0, 30).key(), wal(CUR, 6, 0, 40).key());
    // keep 3 daily: day 0's newest (snapshot 2) and the head of index 2 stored before it stay as well
    Retention.Plan three = Retention.plan(contents, CUR, T0.plus(Duration.ofHours(110)), Duration.ofHours(2),
        new KeepPolicy(3, 0, 0));
    assertThat(three.deletions()).doesNotContain(snap(CUR, 2, 13).key(), wal(CUR, 2, 0, 12).key())
        .contains(wal(CUR, 2, 4152, 14).key(), snap(CUR, 0, 1).key());
  }

  @Test
  void thePolicyCountsCalendarPeriodsThatHaveSnapshots() {
    List<io.litewake.Snapshot> snaps = new ArrayList<>();
    // Mon 2026-01-05 .. three weeks, one snapshot at 06:00 and 18:00 each day, none on the 14th
    Instant monday = Instant.parse("2026-01-05T06:00:00Z");
    for (int h = 0; h < 21 * 24; h += 12) {
      Instant t = monday.plus(Duration.ofHours(h));
      if (!t.toString().startsWith("2026-01-14")) {
        snaps.add(new io.litewake.Snapshot(CUR, h, io.litewake.Compression.ZSTD, 1, t));
      }
    }
    List<io.litewake.Snapshot> daily = new KeepPolicy(3, 0, 0).kept(snaps);
    assertThat(daily).extracting(s -> s.createdAt().toString())
        .containsExactly("2026-01-25T18:00:00Z", "2026-01-24T18:00:00Z", "2026-01-23T18:00:00Z");
    List<io.litewake.Snapshot> weekly = new KeepPolicy(0, 2, 0).kept(snaps);
    assertThat(weekly).extracting(s -> s.createdAt().toString())
        .containsExactly("2026-01-25T18:00:00Z", "2026-01-18T18:00:00Z"); // Sundays
    List<io.litewake.Snapshot> monthly = new KeepPolicy(0, 0, 5).kept(snaps);
    assertThat(monthly).extracting(s -> s.createdAt().toString()).containsExactly("2026-01-25T18:00:00Z");
    // a day without snapshots does not count: 15th, 13th, 12th
    List<io.litewake.Snapshot> gap = new KeepPolicy(3, 0, 0).kept(snaps.stream()
        .filter(s -> s.createdAt().isBefore(Instant.parse("2026-01-16T00:00:00Z"))).toList());
    assertThat(gap).extracting(s -> s.createdAt().toString())
        .containsExactly("2026-01-15T18:00:00Z", "2026-01-13T18:00:00Z", "2026-01-12T18:00:00Z");
  }
}
