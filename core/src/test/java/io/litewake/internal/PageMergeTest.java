package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Compression;
import io.litewake.ReplicaDamagedException;
import io.litewake.WalSegment;
import io.litewake.internal.WalApplierTest.WalWriter;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page-merging WAL applier: the last committed version of every page, written once over the
 * snapshot; frames of a transaction that never commits are never applied; pages past a WAL index's
 * last commit are cut; a spill file beyond the memory arena holds the same result.
 */
class PageMergeTest {
  static final String G = WalApplierTest.G;
  static final int PAGE = WalApplierTest.PAGE;

  @TempDir Path dir;
  FileChannel db;

  @BeforeEach
  void open() throws Exception {
    db = FileChannel.open(dir.resolve("db"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    byte[] snapshot = new byte[4 * PAGE];
    Arrays.fill(snapshot, (byte) 0x77);
    db.write(ByteBuffer.wrap(snapshot), 0);
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private static WalSegment seg(long index, long offset) {
    return new WalSegment(G, index, offset, Compression.ZSTD, 1, Instant.EPOCH);
  }

  private static WalApplier.Source bytes(byte[] b) {
    return () -> new ByteArrayInputStream(b);
  }

  private byte page(int pgno) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(1);
    db.read(b, (long) (pgno - 1) * PAGE);
    return b.get(0);
  }

  private WalApplier applier(PageMerge merge) {
    return new WalApplier("file:///r", G, 0, merge, db);
  }

  @Test
  void aPageRewrittenInSeveralSegmentsEndsWithItsLastCommittedVersion() throws Exception {
    WalWriter w = new WalWriter(7, 9);
    long[] cuts = new long[6];
    for (int i = 0; i < 5; i++) {
      cuts[i] = w.out.size();
      w.frame(2, 0, 0x20 + i).frame(3, 4, 0x30 + i); // pages 2 and 3 rewritten in every segment
    }
    cuts[5] = w.out.size();
    w.frame(4, 0, 0x44).frame(2, 4, 0x2f);
    PageMerge merge = new PageMerge(PAGE, dir, 1 << 20);
    WalApplier a = applier(merge);
    byte[] all = w.from(0);
    long end = all.length;
    for (int i = 0; i < 6; i++) {
      long from = i == 0 ? 0 : cuts[i];
      long to = i + 1 < 6 ? cuts[i + 1] : end;
      a.apply(seg(0, from), bytes(Arrays.copyOfRange(all, (int) from, (int) to)));
    }
    assertThat(merge.pages()).as("one slot per distinct page").isEqualTo(3);
    assertThat(page(2)).as("nothing is written before finish").isEqualTo((byte) 0x77);
    a.finish();
    assertThat(db.size()).isEqualTo(4L * PAGE);
    assertThat(page(1)).isEqualTo((byte) 0x77);
    assertThat(page(2)).isEqualTo((byte) 0x2f);
    assertThat(page(3)).isEqualTo((byte) 0x34);
    assertThat(page(4)).isEqualTo((byte) 0x44);
  }

  @Test
  void framesAfterTheLastCommitAreNeverApplied() throws Exception {
    PageMerge merge = new PageMerge(PAGE, dir, 1 << 20);
    byte[] p = new byte[PAGE];
    Arrays.fill(p, (byte) 0x11);
    merge.frame(1, p, 0);
    merge.commit(4);
    Arrays.fill(p, (byte) 0x22);
    merge.frame(1, p, 0); // a later transaction that never commits
    merge.frame(6, p, 0);
    merge.writeTo(db);
    merge.close();
    assertThat(page(1)).isEqualTo((byte) 0x11);
    assertThat(db.size()).as("not grown by the uncommitted page 6").isEqualTo(4L * PAGE);
  }

  @Test
  void aSegmentThatDoesNotEndOnACommitFailsAndNothingOfItIsApplied() throws Exception {
    WalWriter w = new WalWriter(7, 9).frame(1, 4, 0x11);
    long second = w.out.size();
    w.frame(1, 0, 0x22).frame(2, 0, 0x22); // no commit frame
    PageMerge merge = new PageMerge(PAGE, dir, 1 << 20);
    WalApplier a = applier(merge);
    a.apply(seg(0, 0), bytes(Arrays.copyOf(w.from(0), (int) second)));
    assertThatThrownBy(() -> a.apply(seg(0, second), bytes(w.from(second))))
        .isInstanceOf(ReplicaDamagedException.class).hasMessageContaining("does not end on a commit frame")
        .satisfies(e -> assertThat(((ReplicaDamagedException) e).key()).isEqualTo(seg(0, second).key()));
    merge.writeTo(db);
    merge.close();
    assertThat(page(1)).isEqualTo((byte) 0x11);
    assertThat(page(2)).isEqualTo((byte) 0x77);
  }

  @Test
  void aDamagedFrameInALaterSegmentFailsNamingThatObject() throws Exception {
    WalWriter w = new WalWriter(7, 9);
    long[] starts = new long[4];
    for (int i = 0; i < 4; i++) {
      starts[i] = w.out.size();
      w.frame(1, 0, i).frame(2, 4, i);
    }
    byte[] all = w.from(0);
    all[(int) starts[3] + Wal.FRAME_HEADER_SIZE + 17] ^= 0x40; // a flipped bit in segment 4's first page
    WalApplier a = applier(new PageMerge(PAGE, dir, 1 << 20));
    for (int i = 0; i < 3; i++) {
      int from = i == 0 ? 0 : (int) starts[i];
      a.apply(seg(0, from), bytes(Arrays.copyOfRange(all, from, (int) starts[i + 1])));
    }
    String key = seg(0, starts[3]).key();
    assertThatThrownBy(() -> a.apply(seg(0, starts[3]), bytes(Arrays.copyOfRange(all, (int) starts[3], all.length))))
        .isInstanceOf(ReplicaDamagedException.class)
        .hasMessageContaining(key).hasMessageContaining("checksum mismatch in frame at WAL offset " + starts[3])
        .satisfies(e -> assertThat(((ReplicaDamagedException) e).key()).isEqualTo(key));
  }

  @Test
  void pagesPastAWalIndexsLastCommitAreCutFromTheSnapshotAndTheWal() throws Exception {
    WalWriter first = new WalWriter(1, 2).frame(6, 6, 0x66).frame(1, 2, 0x0a); // grows to 6, then shrinks to 2
    WalWriter next = new WalWriter(3, 4).frame(5, 5, 0x55); // grows to 5 writing page 5 only
    WalApplier a = applier(new PageMerge(PAGE, dir, 1 << 20));
    a.apply(seg(0, 0), bytes(first.from(0)));
    a.apply(seg(1, 0), bytes(next.from(0)));
    a.finish();
    assertThat(db.size()).isEqualTo(5L * PAGE);
    assertThat(page(1)).isEqualTo((byte) 0x0a);
    assertThat(page(2)).isEqualTo((byte) 0x77);
    assertThat(page(3)).as("cut from the snapshot at the end of WAL index 0").isZero();
    assertThat(page(4)).isZero();
    assertThat(page(5)).isEqualTo((byte) 0x55);
  }

  @Test
  void aSpillFileBeyondTheArenaGivesTheSameImageAsMemory() throws Exception {
    Random rnd = new Random(3);
    WalWriter w = new WalWriter(5, 6);
    int pages = 300;
    for (int t = 0; t < 40; t++) {
      int n = 1 + rnd.nextInt(30);
      for (int i = 0; i < n; i++) {
        w.frame(1 + rnd.nextInt(pages), i == n - 1 ? pages : 0, rnd.nextInt(256));
      }
    }
    byte[] wal = w.from(0);
    byte[][] images = new byte[2][];
    int[] arenas = {1 << 20, 8 * PAGE};
    for (int k = 0; k < 2; k++) {
      Path f = dir.resolve("img" + k);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[4 * PAGE]), 0);
        PageMerge merge = new PageMerge(PAGE, dir, arenas[k]);
        WalApplier a = new WalApplier("file:///r", G, 0, merge, ch);
        a.apply(seg(0, 0), bytes(wal));
        if (k == 1) {
          assertThat(merge.spilledSlots()).as("spilled beyond an 8-page arena").isPositive();
        }
        a.finish();
      }
      images[k] = Files.readAllBytes(f);
    }
    assertThat(images[1]).isEqualTo(images[0]);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".spill"));
    }
  }

  @Test
  void theIndexMapKeepsEveryKeyThroughGrowthAndRemovals() {
    PageMerge.IntIntMap m = new PageMerge.IntIntMap();
    java.util.Map<Integer, Integer> ref = new java.util.HashMap<>();
    Random rnd = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      int k = 1 + rnd.nextInt(50_000);
      if (rnd.nextInt(4) == 0) {
        Integer old = ref.remove(k);
        assertThat(m.remove(k)).isEqualTo(old == null ? -1 : old);
      } else {
        Integer old = ref.put(k, i);
        assertThat(m.put(k, i)).isEqualTo(old == null ? -1 : old);
      }
    }
    assertThat(m.size()).isEqualTo(ref.size());
    for (var e : ref.entrySet()) {
      assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
    }
    assertThat(m.keys()).hasSize(ref.size());
  }
}
