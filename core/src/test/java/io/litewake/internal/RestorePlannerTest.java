package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Compression;
import io.litewake.LitewakeException;
import io.litewake.ReplicaContents;
import io.litewake.ReplicaDamagedException;
import io.litewake.RestorePlan;
import io.litewake.WalSegment;
import io.litewake.spi.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restore planner on listings alone: no replica, no I/O. */
class RestorePlannerTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final String A = "aaaaaaaaaaaaaaaa";
  static final String B = "bbbbbbbbbbbbbbbb";
  static final String C = "cccccccccccccccc";
  static final String WHERE = "file:///replica";

  private static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static StoredObject snap(String g, long index, int seconds) {
    return new StoredObject(Layout.snapshotKey(g, index, Compression.ZSTD), 1000 + index, t(seconds));
  }

  private static StoredObject wal(String g, long index, long offset, int seconds) {
    return new StoredObject(Layout.walKey(g, index, offset, Compression.ZSTD), 10 + offset, t(seconds));
  }

  private static ReplicaContents listing(StoredObject... objects) {
    List<StoredObject> shuffled = new ArrayList<>(Arrays.asList(objects));
    java.util.Collections.reverse(shuffled); // listing order does not matter
    return Layout.parse(WHERE, shuffled);
  }

  private static List<String> keys(RestorePlan p) {
    return p.segments().stream().map(WalSegment::key).toList();
  }

  private static List<String> keys(StoredObject... objects) {
    return Arrays.stream(objects).map(StoredObject::key).toList();
  }

  private static ReplicaDamagedException damaged(ReplicaContents c, RestorePoint p) {
    try {
      RestorePlanner.plan(c, p);
    } catch (ReplicaDamagedException e) {
      return e;
    }
    throw new AssertionError("no ReplicaDamagedException");
  }

  @Test
  void latestReadsTheNewestSnapshotAndEverySegmentAfterIt() {
    StoredObject s0 = snap(A, 0, 0);
    StoredObject w00 = wal(A, 0, 0, 1);
    StoredObject w01 = wal(A, 0, 4152, 2);
    StoredObject w10 = wal(A, 1, 0, 3);
    StoredObject s2 = snap(A, 2, 4);
    StoredObject w20 = wal(A, 2, 0, 5);
    StoredObject w21 = wal(A, 2, 8272, 6);
    StoredObject w30 = wal(A, 3, 0, 7);
    RestorePlan p = RestorePlanner.plan(listing(s0, w00, w01, w10, s2, w20, w21, w30), RestorePoint.latest());
    assertThat(p.generation().id()).isEqualTo(A);
    assertThat(p.snapshot().key()).isEqualTo(s2.key());
    assertThat(keys(p)).containsExactlyElementsOf(keys(w20, w21, w30));
    assertThat(p.passedOver()).isEmpty();
    assertThat(p.objects()).isEqualTo(4);
    assertThat(p.bytes()).isEqualTo(s2.size() + w20.size() + w21.size() + w30.size());
    assertThat(p.endIndex()).isEqualTo(3);
    assertThat(p.pointInTime()).isEqualTo(t(7));
  }

  @Test
  void aSnapshotAloneIsAPlan() {
    RestorePlan p = RestorePlanner.plan(listing(snap(A, 5, 0)), RestorePoint.latest());
    assertThat(p.segments()).isEmpty();
    assertThat(p.endIndex()).isEqualTo(5);
    assertThat(p.pointInTime()).isEqualTo(t(0));
    assertThat(p.objects()).isEqualTo(1);
  }

  @Test
  void latestIsTheGenerationWithTheNewestObjectThatHasASnapshot() {
    ReplicaContents c = listing(
        snap(A, 0, 0), wal(A, 0, 0, 1),
        snap(B, 0, 10), wal(B, 0, 0, 11), wal(B, 1, 0, 12),
        wal(C, 0, 0, 20)); // the newest generation: its snapshot is not uploaded yet
    RestorePlan p = RestorePlanner.plan(c, RestorePoint.latest());
    assertThat(p.generation().id()).isEqualTo(B);
    assertThat(p.passedOver()).contains(C);
    assertThat(keys(p)).containsExactlyElementsOf(keys(wal(B, 0, 0, 11), wal(B, 1, 0, 12)));
  }

  @Test
  void noSnapshotAnywhereIsAMissingObject() {
    ReplicaContents c = listing(wal(A, 0, 0, 1), wal(B, 0, 0, 2));
    ReplicaDamagedException e = damaged(c, RestorePoint.latest());
    assertThat(e.key()).isEqualTo("generations/" + B + "/snapshots/");
    assertThat(e).hasMessageContaining("no snapshot").hasMessageContaining(WHERE)
        .hasMessageContaining("generations/" + A + "/snapshots/");
  }

  @Test
  void anEmptyListingIsNoPlan() {
    assertThatThrownBy(() -> RestorePlanner.plan(listing(), RestorePoint.latest()))
        .isInstanceOf(LitewakeException.class).isNotInstanceOf(ReplicaDamagedException.class)
        .hasMessageContaining("holds no generation");
  }

  @Test
  void pointInTimeIncludesObjectsAtTheInstantAndNothingAfter() {
    StoredObject s0 = snap(A, 0, 0);
    StoredObject w00 = wal(A, 0, 0, 10);
    StoredObject w01 = wal(A, 0, 4152, 20);
    StoredObject w10 = wal(A, 1, 0, 30);
    ReplicaContents c = listing(s0, w00, w01, w10);
    RestorePlan atW01 = RestorePlanner.plan(c, RestorePoint.latest().at(t(20)));
    assertThat(keys(atW01)).containsExactlyElementsOf(keys(w00, w01));
    assertThat(atW01.pointInTime()).isEqualTo(t(20));
    RestorePlan justBefore = RestorePlanner.plan(c, RestorePoint.latest().at(t(20).minusNanos(1)));
    assertThat(keys(justBefore)).containsExactlyElementsOf(keys(w00));
    RestorePlan atSnapshot = RestorePlanner.plan(c, RestorePoint.latest().at(t(0)));
    assertThat(atSnapshot.segments()).isEmpty();
    assertThat(atSnapshot.pointInTime()).isEqualTo(t(0));
    assertThat(keys(RestorePlanner.plan(c, RestorePoint.latest().at(t(99))))).hasSize(3);
    assertThatThrownBy(() -> RestorePlanner.plan(c, RestorePoint.latest().at(t(0).minusNanos(1))))
        .isInstanceOf(LitewakeException.class).isNotInstanceOf(ReplicaDamagedException.class)
        .hasMessageContaining("no snapshot taken at or before " + t(0).minusNanos(1))
        .hasMessageContaining("oldest state it can restore is from " + t(0));
  }

  @Test
  void pointInTimeUsesTheNewestSnapshotNotAfterTheInstant() {
    ReplicaContents c = listing(snap(A, 0, 0), wal(A, 0, 0, 5), wal(A, 1, 0, 8), snap(A, 2, 10), wal(A, 2, 0, 15));
    RestorePlan before = RestorePlanner.plan(c, RestorePoint.latest().at(t(9)));
    assertThat(before.snapshot().index()).isZero();
    assertThat(before.endIndex()).isEqualTo(1);
    RestorePlan after = RestorePlanner.plan(c, RestorePoint.latest().at(t(10)));
    assertThat(after.snapshot().index()).isEqualTo(2);
    assertThat(after.segments()).isEmpty();
  }

  @Test
  void pointInTimeAcrossGenerations() {
    ReplicaContents c = listing(
        snap(A, 0, 0), wal(A, 0, 0, 5), wal(A, 0, 4152, 25),
        snap(B, 0, 10), wal(B, 0, 0, 20), wal(B, 1, 0, 30));
    // at 22 s: A's newest object not after it is from 5 s, B's from 20 s
    RestorePlan p = RestorePlanner.plan(c, RestorePoint.latest().at(t(22)));
    assertThat(p.generation().id()).isEqualTo(B);
    assertThat(p.endIndex()).isZero();
    // at 9 s only A has a snapshot
    assertThat(RestorePlanner.plan(c, RestorePoint.latest().at(t(9))).generation().id()).isEqualTo(A);
    // at 27 s: A has an object from 25 s, B's newest is from 20 s
    assertThat(RestorePlanner.plan(c, RestorePoint.latest().at(t(27))).generation().id()).isEqualTo(A);
    // a generation may be chosen explicitly with a point in time
    RestorePlan inA = RestorePlanner.plan(c, RestorePoint.latest().inGeneration(A).at(t(22)));
    assertThat(inA.generation().id()).isEqualTo(A);
    assertThat(keys(inA)).containsExactlyElementsOf(keys(wal(A, 0, 0, 5)));
    assertThatThrownBy(() -> RestorePlanner.plan(c, RestorePoint.latest().inGeneration(B).at(t(9))))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("generation " + B)
        .hasMessageContaining("has no snapshot taken at or before " + t(9));
  }

  @Test
  void aTieInTimeGoesToTheLaterGeneration() {
    ReplicaContents c = listing(snap(A, 0, 0), wal(A, 0, 0, 20), snap(B, 0, 10), wal(B, 0, 0, 20), wal(B, 0, 99, 40));
    assertThat(c.generations().get(1).id()).isEqualTo(B);
    assertThat(RestorePlanner.plan(c, RestorePoint.latest().at(t(30))).generation().id()).isEqualTo(B);
  }

  @Test
  void generationAndIndexStopAtTheEndOfThatIndex() {
    StoredObject w00 = wal(A, 0, 0, 1);
    StoredObject w01 = wal(A, 0, 4152, 2);
    StoredObject w10 = wal(A, 1, 0, 3);
    StoredObject w20 = wal(A, 2, 0, 4);
    ReplicaContents c = listing(snap(A, 0, 0), w00, w01, w10, w20, snap(B, 0, 50), wal(B, 0, 0, 51));
    RestorePlan p = RestorePlanner.plan(c, RestorePoint.latest().inGeneration(A).upToIndex(1));
    assertThat(p.generation().id()).isEqualTo(A);
    assertThat(keys(p)).containsExactlyElementsOf(keys(w00, w01, w10));
    assertThat(p.endIndex()).isEqualTo(1);
    RestorePlan whole = RestorePlanner.plan(c, RestorePoint.latest().inGeneration(A));
    assertThat(keys(whole)).containsExactlyElementsOf(keys(w00, w01, w10, w20));
    assertThatThrownBy(() -> RestorePlanner.plan(c, RestorePoint.latest().inGeneration(A).upToIndex(3)))
        .isInstanceOf(LitewakeException.class).isNotInstanceOf(ReplicaDamagedException.class)
        .hasMessageContaining("ends at index 2, before the requested index 3");
    assertThatThrownBy(() -> RestorePlanner.plan(c, RestorePoint.latest().inGeneration(C)))
        .isInstanceOf(LitewakeException.class).isNotInstanceOf(ReplicaDamagedException.class)
        .hasMessageContaining("has no generation " + C).hasMessageContaining("[" + A + ", " + B + "]");
  }

  @Test
  void anIndexBeforeTheOldestSnapshotLeftIsNotDamage() {
    ReplicaContents c = listing(wal(A, 1, 0, 1), snap(A, 2, 2), wal(A, 2, 0, 3));
    assertThatThrownBy(() -> RestorePlanner.plan(c, RestorePoint.latest().inGeneration(A).upToIndex(1)))
        .isInstanceOf(LitewakeException.class).isNotInstanceOf(ReplicaDamagedException.class)
        .hasMessageContaining("generation " + A).hasMessageContaining("has no snapshot at or before index 1");
    assertThatThrownBy(() -> RestorePlanner.plan(listing(wal(A, 0, 0, 1)), RestorePoint.latest().inGeneration(A)))
        .isInstanceOf(LitewakeException.class).hasMessageContaining("has no snapshot;");
  }

  @Test
  void aMissingWalIndexIsNamed() {
    ReplicaContents c = listing(snap(A, 0, 0), wal(A, 0, 0, 1), wal(A, 2, 0, 3), wal(A, 3, 0, 4));
    ReplicaDamagedException e = damaged(c, RestorePoint.latest());
    assertThat(e.key()).isEqualTo(Layout.walKey(A, 1, 0, Compression.ZSTD));
    assertThat(e).hasMessageContaining("WAL index 1 of generation " + A + " is missing")
        .hasMessageContaining("expected object " + e.key()).hasMessageContaining(WHERE);
    // a restore that stops before the gap does not need it
    assertThat(RestorePlanner.plan(c, RestorePoint.latest().at(t(2))).segments()).hasSize(1);
    assertThat(RestorePlanner.plan(c, RestorePoint.latest().inGeneration(A).upToIndex(0)).segments()).hasSize(1);
  }

  @Test
  void theSnapshotsOwnIndexMustHaveSegments() {
    ReplicaContents c = listing(snap(A, 4, 0), wal(A, 5, 0, 1));
    assertThat(damaged(c, RestorePoint.latest()).key()).isEqualTo(Layout.walKey(A, 4, 0, Compression.ZSTD));
  }

  @Test
  void aWalIndexThatDoesNotStartAtOffsetZeroIsNamed() {
    StoredObject next = wal(A, 1, 4152, 3);
    ReplicaContents c = listing(snap(A, 0, 0), wal(A, 0, 0, 1), next);
    ReplicaDamagedException e = damaged(c, RestorePoint.latest());
    assertThat(e.key()).isEqualTo(Layout.walKey(A, 1, 0, Compression.ZSTD));
    assertThat(e).hasMessageContaining("WAL segment " + e.key() + " is missing (the next object is " + next.key() + ")");
  }

  @Test
  void offsetsInsideAnIndexAreLeftToTheApplier() {
    // contiguity inside an index needs the segments' sizes after decompression: the applier checks it
    StoredObject a = wal(A, 0, 0, 1);
    StoredObject b = wal(A, 0, 999_999, 2);
    RestorePlan p = RestorePlanner.plan(listing(snap(A, 0, 0), a, b), RestorePoint.latest());
    assertThat(keys(p)).containsExactlyElementsOf(keys(a, b));
  }

  @Test
  void aLitestreamWrittenLayout() {
    // what Litestream v0.3.13 writes: LZ4, 8 hex digits, a new snapshot after a WAL restart, and
    // the keys with more digits it writes past 0xffffffff
    String g = "5e2c1f0a9b8d7e6f";
    List<StoredObject> objs = List.of(
        new StoredObject("generations/" + g + "/snapshots/00000000.snapshot.lz4", 4242, t(0)),
        new StoredObject("generations/" + g + "/wal/00000000_00000000.wal.lz4", 90, t(1)),
        new StoredObject("generations/" + g + "/wal/00000000_00001038.wal.lz4", 91, t(2)),
        new StoredObject("generations/" + g + "/wal/00000000_00002070.wal.lz4", 92, t(3)),
        new StoredObject("generations/" + g + "/wal/00000001_00000000.wal.lz4", 93, t(4)),
        new StoredObject("generations/" + g + "/snapshots/00000001.snapshot.lz4", 4343, t(5)),
        new StoredObject("generations/" + g + "/wal/00000001_00001038.wal.lz4", 94, t(6)),
        new StoredObject("generations/" + g + "/wal/00000002_00000000.wal.lz4", 95, t(7)));
    ReplicaContents c = Layout.parse(WHERE, objs);
    RestorePlan p = RestorePlanner.plan(c, RestorePoint.latest());
    assertThat(p.snapshot().key()).isEqualTo(objs.get(5).key());
    assertThat(p.snapshot().compression()).isEqualTo(Compression.LZ4);
    assertThat(keys(p)).containsExactly(objs.get(4).key(), objs.get(6).key(), objs.get(7).key());
    RestorePlan pit = RestorePlanner.plan(c, RestorePoint.latest().at(t(3)));
    assertThat(pit.snapshot().index()).isZero();
    assertThat(keys(pit)).containsExactly(objs.get(1).key(), objs.get(2).key(), objs.get(3).key());

    String big = "generations/" + g + "/snapshots/100000000.snapshot.lz4";
    String bigWal = "generations/" + g + "/wal/100000000_00000000.wal.lz4";
    RestorePlan high = RestorePlanner.plan(Layout.parse(WHERE, List.of(new StoredObject(big, 1, t(10)),
        new StoredObject(bigWal, 1, t(11)))), RestorePoint.latest());
    assertThat(high.snapshot().index()).isEqualTo(0x100000000L);
    assertThat(keys(high)).containsExactly(bigWal);
  }

  @Test
  void litestreamAndLitewakeGenerationsUnderOnePrefix() {
    String ls = "0123456789abcdef";
    List<StoredObject> objs = new ArrayList<>(List.of(
        new StoredObject("generations/" + ls + "/snapshots/00000000.snapshot.lz4", 10, t(0)),
        new StoredObject("generations/" + ls + "/wal/00000000_00000000.wal.lz4", 10, t(1)),
        snap(A, 0, 5), wal(A, 0, 0, 6)));
    objs.add(new StoredObject("generations/" + ls + "/wal/00000000_00000000.wal.lz4.tmp", 1, t(9)));
    objs.add(new StoredObject("litewake/writer.properties", 1, t(9)));
    ReplicaContents c = Layout.parse(WHERE, objs);
    assertThat(RestorePlanner.plan(c, RestorePoint.latest()).generation().id()).isEqualTo(A);
    assertThat(RestorePlanner.plan(c, RestorePoint.latest().at(t(3))).generation().id()).isEqualTo(ls);
    RestorePlan old = RestorePlanner.plan(c, RestorePoint.latest().inGeneration(ls));
    assertThat(old.segments()).extracting(WalSegment::compression).containsOnly(Compression.LZ4);
  }

  @Test
  void thePlanIsImmutable() {
    RestorePlan p = RestorePlanner.plan(listing(snap(A, 0, 0), wal(A, 0, 0, 1)), RestorePoint.latest());
    assertThatThrownBy(() -> p.segments().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(RestorePlanner.plan(listing(snap(A, 0, 0), wal(A, 0, 0, 1)), RestorePoint.latest())).isEqualTo(p);
  }

  /**
   * Retention kept restore points (snapshots 2 and 6 with the head of their own WAL index) and
   * removed the WAL between them: a point in time between them ends at the older point instead of
   * reporting the removed indexes, even though the head of index 6 (stored before its snapshot) is
   * older than the instant. A latest or index restore still reports a real gap.
   */
  @Test
  void aPointInTimeBetweenKeptPointsEndsAtTheOlderOne() {
    ReplicaContents c = listing(
        wal(A, 2, 0, 10), wal(A, 2, 4152, 11), snap(A, 2, 12),
        wal(A, 6, 0, 100), snap(A, 6, 200),
        wal(A, 6, 4152, 201), wal(A, 7, 0, 300), snap(A, 7, 301));
    RestorePlan p = RestorePlanner.plan(c, RestorePoint.latest().at(t(150)));
    assertThat(p.snapshot().index()).isEqualTo(2);
    assertThat(keys(p)).isEqualTo(keys(wal(A, 2, 0, 10), wal(A, 2, 4152, 11)));
    assertThat(p.betweenKeptPoints()).isTrue();
    assertThat(p.pointInTime()).isEqualTo(t(12));

    RestorePlan atSix = RestorePlanner.plan(c, RestorePoint.latest().at(t(250)));
    assertThat(atSix.snapshot().index()).isEqualTo(6);
    assertThat(keys(atSix)).isEqualTo(keys(wal(A, 6, 0, 100), wal(A, 6, 4152, 201)));
    assertThat(atSix.betweenKeptPoints()).isFalse();

    // the same gap without a later snapshot to explain it is damage
    ReplicaContents damaged = listing(wal(A, 2, 0, 10), snap(A, 2, 12), wal(A, 4, 0, 100));
    assertThat(damaged(damaged, RestorePoint.latest().at(t(150))).key()).isEqualTo(Layout.walKey(A, 3, 0, Compression.ZSTD));
  }
}
