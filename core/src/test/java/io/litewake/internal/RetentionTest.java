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
}
