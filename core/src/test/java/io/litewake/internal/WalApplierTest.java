package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Compression;
import io.litewake.ReplicaDamagedException;
import io.litewake.WalSegment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL applier on WAL bytes built here: contiguity, the one frame verifier, commits. */
class WalApplierTest {
  static final String G = "0123456789abcdef";
  static final int PAGE = 512;
  static final int FS = Wal.FRAME_HEADER_SIZE + PAGE;

  @TempDir Path dir;
  FileChannel db;

  @BeforeEach
  void open() throws Exception {
    db = FileChannel.open(dir.resolve("db"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    byte[] snapshot = new byte[4 * PAGE];
    Arrays.fill(snapshot, (byte) 0x77);
    db.write(ByteBuffer.wrap(snapshot), 0); // a 4-page "snapshot"
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  /** Writes a WAL life: its header, then frames chained from it. */
  static final class WalWriter {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final int salt1;
    final int salt2;
    final int[] ck = new int[2];

    WalWriter(int salt1, int salt2) {
      this.salt1 = salt1;
      this.salt2 = salt2;
      byte[] h = new byte[Wal.HEADER_SIZE];
      Wal.putU32(h, 0, Wal.MAGIC_LE);
      Wal.putU32(h, 4, Wal.VERSION);
      Wal.putU32(h, 8, PAGE);
      Wal.putU32(h, 16, salt1);
      Wal.putU32(h, 20, salt2);
      Wal.checksum(false, h, 0, 24, ck);
      Wal.putU32(h, 24, ck[0]);
      Wal.putU32(h, 28, ck[1]);
      out.writeBytes(h);
    }

    /** Adds a frame of page {@code pgno} filled with {@code fill}; {@code commit} > 0 ends a transaction. */
    WalWriter frame(int pgno, int commit, int fill) {
      byte[] f = new byte[FS];
      Wal.putU32(f, 0, pgno);
      Wal.putU32(f, 4, commit);
      Wal.putU32(f, 8, salt1);
      Wal.putU32(f, 12, salt2);
      Arrays.fill(f, Wal.FRAME_HEADER_SIZE, FS, (byte) fill);
      Wal.checksum(false, f, 0, 8, ck);
      Wal.checksum(false, f, Wal.FRAME_HEADER_SIZE, PAGE, ck);
      Wal.putU32(f, 16, ck[0]);
      Wal.putU32(f, 20, ck[1]);
      out.writeBytes(f);
      return this;
    }

    /** The bytes written since {@code from}. */
    byte[] from(long from) {
      byte[] all = out.toByteArray();
      return Arrays.copyOfRange(all, (int) from, all.length);
    }
  }

  private static WalSegment seg(long index, long offset) {
    return new WalSegment(G, index, offset, Compression.ZSTD, 1, Instant.EPOCH);
  }

  private static WalApplier.Source bytes(byte[] b) {
    return () -> new ByteArrayInputStream(b);
  }

  private WalApplier applier(long firstIndex) {
    return new WalApplier("file:///r", G, firstIndex, PAGE, db);
  }

  private byte page(int pgno) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(1);
    db.read(b, (long) (pgno - 1) * PAGE);
    return b.get(0);
  }

  private static void assertDamaged(ThrowingRunnable r, String key, String message) {
    assertThatThrownBy(r::run).isInstanceOf(ReplicaDamagedException.class).hasMessageContaining(key)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ReplicaDamagedException) e).key()).isEqualTo(key));
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void appliesContiguousSegmentsAndCutsTheFileAtTheLastCommit() throws Exception {
    WalWriter w = new WalWriter(7, 9);
    w.frame(1, 0, 0x11).frame(5, 5, 0x55);
    long second = w.out.size();
    w.frame(2, 0, 0x22).frame(3, 3, 0x33); // the database shrinks to 3 pages
    WalApplier a = applier(4);
    a.apply(seg(4, 0), bytes(w.from(0)));
    // applied in one piece, then again in two
    assertThat(a.offset()).isEqualTo(w.out.size());
    a = applier(4);
    a.apply(seg(4, 0), bytes(Arrays.copyOf(w.from(0), (int) second)));
    assertThat(a.offset()).isEqualTo(second);
    a.apply(seg(4, second), bytes(w.from(second)));
    assertThat(a.offset()).isEqualTo(w.out.size());
    assertThat(a.index()).isEqualTo(4);
    a.finish();
    assertThat(db.size()).isEqualTo(3L * PAGE);
    assertThat(page(1)).isEqualTo((byte) 0x11);
    assertThat(page(2)).isEqualTo((byte) 0x22);
    assertThat(page(3)).isEqualTo((byte) 0x33);
  }

  @Test
  void aNewWalIndexStartsANewLifeAndFinishesTheLastOne() throws Exception {
    WalWriter first = new WalWriter(1, 2).frame(1, 2, 0x0a);
    WalWriter next = new WalWriter(3, 4).frame(2, 3, 0x0b).frame(5, 5, 0x0c);
    WalApplier a = applier(0);
    a.apply(seg(0, 0), bytes(first.from(0)));
    assertThat(db.size()).as("not cut before the WAL index ends").isEqualTo(4L * PAGE);
    a.apply(seg(1, 0), bytes(next.from(0)));
    assertThat(a.index()).isEqualTo(1);
    assertThat(a.offset()).isEqualTo(Wal.HEADER_SIZE + 2 * FS);
    a.finish();
    assertThat(db.size()).isEqualTo(5L * PAGE);
    assertThat(page(1)).isEqualTo((byte) 0x0a);
    assertThat(page(2)).isEqualTo((byte) 0x0b);
    assertThat(page(3)).as("cut to 2 pages when WAL index 0 ended").isZero();
    assertThat(page(4)).isZero();
    assertThat(page(5)).isEqualTo((byte) 0x0c);
  }

  @Test
  void aGapBetweenSegmentsNamesTheMissingOne() throws Exception {
    WalWriter w = new WalWriter(7, 9).frame(1, 1, 1).frame(1, 1, 2).frame(1, 1, 3);
    WalApplier a = applier(0);
    a.apply(seg(0, 0), bytes(Arrays.copyOf(w.from(0), Wal.HEADER_SIZE + FS)));
    long missing = Wal.HEADER_SIZE + FS;
    long next = missing + FS;
    assertDamaged(() -> a.apply(seg(0, next), bytes(w.from(next))), Layout.walKey(G, 0, missing, Compression.ZSTD),
        "is missing (the next object is " + seg(0, next).key() + ")");
    assertDamaged(() -> applier(0).apply(seg(0, missing), bytes(w.from(missing))),
        Layout.walKey(G, 0, 0, Compression.ZSTD), "is missing");
    assertDamaged(() -> a.apply(seg(2, 0), bytes(w.from(0))), Layout.walKey(G, 1, 0, Compression.ZSTD),
        "WAL index 1 of generation " + G + " is missing");
    assertDamaged(() -> applier(3).apply(seg(4, 0), bytes(w.from(0))), Layout.walKey(G, 3, 0, Compression.ZSTD),
        "WAL index 3 of generation " + G + " is missing");
  }

  @Test
  void everyFrameIsVerified() {
    byte[] good = new WalWriter(7, 9).frame(1, 0, 1).frame(2, 2, 2).from(0);
    String key = seg(0, 0).key();

    byte[] flipped = good.clone();
    flipped[Wal.HEADER_SIZE + FS + 100] ^= 1;
    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(flipped)), key,
        "checksum mismatch in frame at WAL offset " + (Wal.HEADER_SIZE + FS));

    byte[] otherSalts = good.clone();
    Wal.putU32(otherSalts, Wal.HEADER_SIZE + 8, 8);
    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(otherSalts)), key,
        "frame at WAL offset " + Wal.HEADER_SIZE + " has salts of another WAL");

    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(Arrays.copyOf(good, good.length - 1))), key,
        "it ends inside a frame");
    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(Arrays.copyOf(good, Wal.HEADER_SIZE + FS))), key,
        "it does not end on a commit frame");
    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(Arrays.copyOf(good, Wal.HEADER_SIZE))), key,
        "it holds no frame");

    byte[] badHeader = good.clone();
    badHeader[3] ^= 1;
    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(badHeader)), key, "its WAL header is invalid");

    byte[] pageZero = new WalWriter(7, 9).frame(0, 1, 1).from(0);
    assertDamaged(() -> applier(0).apply(seg(0, 0), bytes(pageZero)), key, "names page 0");

    assertDamaged(() -> new WalApplier("file:///r", G, 0, 1024, db).apply(seg(0, 0), bytes(good)), key,
        "its page size 512 differs from the snapshot's 1024");

    assertDamaged(() -> applier(0).apply(seg(0, 0), () -> {
      throw new java.io.IOException("Frame descriptor corrupted");
    }), key, "it cannot be decompressed (Frame descriptor corrupted)");
  }
}
