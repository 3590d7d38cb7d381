package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Compression;
import io.litewake.Restore;
import io.litewake.testing.Dbs;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL reader against WAL files SQLite wrote, in both checksum byte orders. */
class WalFormatTest {
  @TempDir Path dir;

  /** Builds a database whose last transactions live only in the WAL; returns copies of both. */
  private Path[] walDatabase() throws Exception {
    Path db = dir.resolve("src.db");
    try (Connection c = Dbs.create(db)) {
      Dbs.insert(c, 1, 50, 100);
      Dbs.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA wal_autocheckpoint=0");
      Files.copy(db, dir.resolve("base.db"));
      for (int i = 0; i < 5; i++) {
        Dbs.insert(c, 2 + i, 40, 500);
      }
      Dbs.exec(c, "DELETE FROM t WHERE writer = 1 AND seq % 2 = 0");
      Files.copy(Path.of(db + "-wal"), dir.resolve("base.wal"));
      List<String> expected = Dbs.dump(c);
      Files.write(dir.resolve("expected.txt"), expected);
    }
    return new Path[] {dir.resolve("base.db"), dir.resolve("base.wal")};
  }

  /** Rewrites a little-endian-checksum WAL with big-endian checksums (magic 0x377f0683). */
  static byte[] toBigEndian(byte[] le) {
    byte[] be = le.clone();
    Wal.Header h = Wal.parseHeader(le);
    assertThat(h).isNotNull();
    assertThat(h.bigEndian()).isFalse();
    Wal.putU32(be, 0, Wal.MAGIC_BE);
    int[] s = new int[2];
    Wal.checksum(true, be, 0, 24, s);
    Wal.putU32(be, 24, s[0]);
    Wal.putU32(be, 28, s[1]);
    int fs = h.frameSize();
    for (int off = Wal.HEADER_SIZE; off + fs <= be.length; off += fs) {
      if (Wal.u32(be, off + 8) != h.salt1()) {
        break;
      }
      Wal.checksum(true, be, off, 8, s);
      Wal.checksum(true, be, off + Wal.FRAME_HEADER_SIZE, h.pageSize(), s);
      Wal.putU32(be, off + 16, s[0]);
      Wal.putU32(be, off + 20, s[1]);
    }
    return be;
  }

  @Test
  void scansBothByteOrdersToTheLastCommit() throws Exception {
    Path[] files = walDatabase();
    byte[] le = Files.readAllBytes(files[1]);
    byte[] be = toBigEndian(le);
    Path bePath = dir.resolve("be.wal");
    Files.write(bePath, be);
    WalScanner.Scan a;
    WalScanner.Scan b;
    try (FileChannel c = FileChannel.open(files[1]); FileChannel d = FileChannel.open(bePath)) {
      Wal.Header hl = Wal.parseHeader(le);
      Wal.Header hb = Wal.parseHeader(be);
      assertThat(hb.bigEndian()).isTrue();
      a = WalScanner.scan(c, hl, Wal.HEADER_SIZE, hl.ck1(), hl.ck2());
      b = WalScanner.scan(d, hb, Wal.HEADER_SIZE, hb.ck1(), hb.ck2());
    }
    assertThat(a.end()).isEqualTo(le.length);
    assertThat(b.end()).isEqualTo(a.end());
    assertThat(b.frames()).isEqualTo(a.frames()).isGreaterThan(10);

    // SQLite itself accepts the converted WAL: the oracle for the conversion
    Path check = dir.resolve("sqlite-be.db");
    Files.copy(files[0], check);
    Files.write(Path.of(check + "-wal"), be);
    assertThat(Dbs.dump(check)).isEqualTo(Files.readAllLines(dir.resolve("expected.txt")));
  }

  @Test
  void stopsAtTheLastCommitAndAtABrokenChecksum() throws Exception {
    Path[] files = walDatabase();
    byte[] le = Files.readAllBytes(files[1]);
    Wal.Header h = Wal.parseHeader(le);
    int fs = h.frameSize();
    // append half a frame and an uncommitted copy of the last frame: neither counts
    Path p = dir.resolve("tail.wal");
    try (OutputStream out = Files.newOutputStream(p)) {
      out.write(le);
      byte[] uncommitted = java.util.Arrays.copyOfRange(le, le.length - fs, le.length);
      Wal.putU32(uncommitted, 4, 0);
      out.write(uncommitted);
      out.write(new byte[fs / 2]);
    }
    try (FileChannel c = FileChannel.open(p)) {
      assertThat(WalScanner.scan(c, h, Wal.HEADER_SIZE, h.ck1(), h.ck2()).end()).isEqualTo(le.length);
    }
    // flip one byte in the middle: the scan ends before that frame's transaction
    int frame = (le.length - Wal.HEADER_SIZE) / fs / 2;
    byte[] bad = le.clone();
    bad[Wal.HEADER_SIZE + frame * fs + Wal.FRAME_HEADER_SIZE + 100] ^= 1;
    Path q = dir.resolve("bad.wal");
    Files.write(q, bad);
    try (FileChannel c = FileChannel.open(q)) {
      long end = WalScanner.scan(c, h, Wal.HEADER_SIZE, h.ck1(), h.ck2()).end();
      assertThat(end).isLessThanOrEqualTo(Wal.HEADER_SIZE + (long) frame * fs);
    }
  }

  @Test
  void copiesExactlyTheCommittedFramesInOnePassAcrossReadBuffers() throws Exception {
    Path db = dir.resolve("big.db");
    byte[] le;
    try (Connection c = Dbs.create(db)) {
      Dbs.exec(c, "PRAGMA wal_autocheckpoint=0");
      Dbs.insert(c, 1, 3, 100);         // small transactions
      Dbs.insert(c, 2, 400, 1000);      // one transaction of well over 64 frames (one read buffer)
      Dbs.insert(c, 3, 5, 100);
      Dbs.insert(c, 4, 300, 1000);      // the last commit also spans buffers
      le = Files.readAllBytes(Path.of(db + "-wal"));
    }
    Wal.Header h = Wal.parseHeader(le);
    int fs = h.frameSize();
    assertThat((le.length - Wal.HEADER_SIZE) / fs).isGreaterThan(2 * 64);
    // an uncommitted copy of the last frame after the last commit must not be copied
    byte[] uncommitted = java.util.Arrays.copyOfRange(le, le.length - fs, le.length);
    Wal.putU32(uncommitted, 4, 0);
    for (byte[] wal : List.of(le, toBigEndian(le))) {
      Wal.Header hw = Wal.parseHeader(wal);
      Path p = dir.resolve("copy-" + hw.bigEndian() + ".wal");
      try (OutputStream out = Files.newOutputStream(p)) {
        out.write(wal);
        out.write(uncommitted);
      }
      try (FileChannel c = FileChannel.open(p)) {
        WalScanner.Scan whole = WalScanner.scan(c, hw, Wal.HEADER_SIZE, hw.ck1(), hw.ck2());
        assertThat(whole.end()).isEqualTo(wal.length);
        java.io.ByteArrayOutputStream copied = new java.io.ByteArrayOutputStream();
        WalScanner.Scan s = WalScanner.copyCommitted(c, hw, Wal.HEADER_SIZE, hw.ck1(), hw.ck2(), copied);
        assertThat(s).isEqualTo(whole);
        assertThat(copied.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(wal, Wal.HEADER_SIZE, wal.length));
        // from a commit in the middle, with the checksum there
        WalScanner.Scan first = WalScanner.scan(c, hw, Wal.HEADER_SIZE, hw.ck1(), hw.ck2());
        long mid = Wal.HEADER_SIZE + (long) fs * 3;
        while (true) {
          byte[] frame = java.util.Arrays.copyOfRange(wal, (int) mid - fs, (int) mid);
          if (Wal.u32(frame, 4) != 0) {
            break;
          }
          mid += fs;
        }
        int[] ck = {Wal.u32(wal, (int) mid - fs + 16), Wal.u32(wal, (int) mid - fs + 20)};
        copied.reset();
        s = WalScanner.copyCommitted(c, hw, mid, ck[0], ck[1], copied);
        assertThat(s.end()).isEqualTo(first.end());
        assertThat(copied.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(wal, (int) mid, wal.length));
        // nothing new after the last commit: nothing written
        copied.reset();
        s = WalScanner.copyCommitted(c, hw, wal.length, whole.ck1(), whole.ck2(), copied);
        assertThat(s.end()).isEqualTo(wal.length);
        assertThat(copied.size()).isZero();
      }
    }
  }

  @Test
  void restoresABigEndianReplica() throws Exception {
    Path[] files = walDatabase();
    byte[] be = toBigEndian(Files.readAllBytes(files[1]));
    Path root = dir.resolve("replica");
    FileReplica replica = new FileReplica(root);
    String gen = "00112233aabbccdd";
    for (Compression c : Compression.values()) {
      Path snap = dir.resolve("snap." + c.extension());
      try (OutputStream out = Codecs.compress(c, Files.newOutputStream(snap), Codecs.SNAPSHOT_LEVEL)) {
        out.write(Files.readAllBytes(files[0]));
      }
      Path seg = dir.resolve("seg." + c.extension());
      try (OutputStream out = Codecs.compress(c, Files.newOutputStream(seg), Codecs.FAST_WAL_LEVEL)) {
        out.write(be);
      }
      replica.delete(replica.list("").stream().map(o -> o.key()).toList());
      replica.put("generations/" + gen + "/snapshots/00000000.snapshot." + c.extension(), snap);
      replica.put("generations/" + gen + "/wal/00000000_00000000.wal." + c.extension(), seg);
      Path out = dir.resolve("restored-" + c + ".db");
      Restore.from(root.toUri()).to(out).run();
      assertThat(Dbs.dump(out)).isEqualTo(Files.readAllLines(dir.resolve("expected.txt")));
    }
  }

  @Test
  void headerValidation() {
    byte[] h = new byte[32];
    assertThat(Wal.parseHeader(h)).isNull();
    Wal.putU32(h, 0, Wal.MAGIC_LE);
    Wal.putU32(h, 4, Wal.VERSION);
    Wal.putU32(h, 8, 4096);
    int[] s = new int[2];
    Wal.checksum(false, h, 0, 24, s);
    Wal.putU32(h, 24, s[0]);
    Wal.putU32(h, 28, s[1]);
    assertThat(Wal.parseHeader(h)).isNotNull();
    h[20] ^= 1; // salt changed without the checksum
    assertThat(Wal.parseHeader(h)).isNull();
  }
}
