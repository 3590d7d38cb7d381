package io.litewake.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Finds and copies the committed frames of a WAL file.
 *
 * <p>A frame counts only if its salts equal the header's and its cumulative checksum chains from
 * the previous frame (from the header for the first frame); only frames up to the last commit
 * frame (non-zero "database size" field) are stable. Bytes after it are never returned.
 */
public final class WalScanner {
  private static final int CHUNK_FRAMES = 64;

  private WalScanner() {}

  /** The result of a scan. */
  public record Scan(long end, int ck1, int ck2, int frames, int commitDbPages) {}

  /**
   * Scans from {@code from} (the end of a committed frame or {@link Wal#HEADER_SIZE}) with the
   * cumulative checksum at that point.
   *
   * @return the end of the last commit frame ({@code from} if none), with its checksum
   */
  public static Scan scan(FileChannel wal, Wal.Header h, long from, int ck1, int ck2)
      throws IOException {
    return copyCommitted(wal, h, from, ck1, ck2, OutputStream.nullOutputStream());
  }

  /**
   * Scans from {@code from} and copies, in the same pass, exactly the frames up to the last
   * commit frame to {@code out} (nothing is written when there is no commit). Frames of a
   * transaction that spans read buffers are read again when its commit frame is found, and
   * verified again against the checksum chain.
   *
   * @return the end of the last commit frame ({@code from} if none), with its checksum
   * @throws IOException if frames read again no longer verify (the WAL changed under us)
   */
  public static Scan copyCommitted(FileChannel wal, Wal.Header h, long from, int ck1, int ck2,
      OutputStream out) throws IOException {
    int fs = h.frameSize();
    if ((from - Wal.HEADER_SIZE) % fs != 0 || from < Wal.HEADER_SIZE) {
      throw new IllegalArgumentException("offset " + from + " is not on a frame boundary");
    }
    byte[] buf = new byte[fs * CHUNK_FRAMES];
    int[] s = {ck1, ck2};
    long pos = from;
    long lastCommit = from;
    int lastCk1 = ck1;
    int lastCk2 = ck2;
    int frames = 0;
    int commitPages = 0;
    boolean stop = false;
    while (!stop) {
      int n = DbFiles.readFully(wal, ByteBuffer.wrap(buf), pos);
      int whole = n - n % fs;
      if (whole == 0) {
        break;
      }
      int bufCk1 = s[0];
      int bufCk2 = s[1];
      for (int off = 0; off < whole; off += fs) {
        if (!frameValid(h, buf, off, s)) {
          stop = true;
          break;
        }
        frames++;
        int commit = Wal.u32(buf, off + 4);
        if (commit != 0) {
          long end = pos + off + fs;
          if (lastCommit < pos) {
            // the transaction began in an earlier buffer: copy its first frames again
            copyAgain(wal, h, lastCommit, lastCk1, lastCk2, pos, out, bufCk1, bufCk2);
            out.write(buf, 0, off + fs);
          } else {
            out.write(buf, (int) (lastCommit - pos), (int) (end - lastCommit));
          }
          lastCommit = end;
          lastCk1 = s[0];
          lastCk2 = s[1];
          commitPages = commit;
        }
      }
      pos += whole;
      if (n < buf.length) {
        break;
      }
    }
    return new Scan(lastCommit, lastCk1, lastCk2, frames, commitPages);
  }

  /** Copies {@code [from, to)}, all frames valid, ending on the checksum {@code endCk1, endCk2}. */
  private static void copyAgain(FileChannel wal, Wal.Header h, long from, int ck1, int ck2, long to,
      OutputStream out, int endCk1, int endCk2) throws IOException {
    int fs = h.frameSize();
    byte[] buf = new byte[fs * CHUNK_FRAMES];
    int[] s = {ck1, ck2};
    long pos = from;
    while (pos < to) {
      int want = (int) Math.min(buf.length, to - pos);
      int n = DbFiles.readFully(wal, ByteBuffer.wrap(buf, 0, want), pos);
      if (n < want) {
        throw new IOException("WAL shrank while copying: " + (pos + n) + " < " + to);
      }
      for (int off = 0; off < want; off += fs) {
        if (!frameValid(h, buf, off, s)) {
          throw new IOException("WAL changed while copying: frame at " + (pos + off) + " no longer verifies");
        }
      }
      out.write(buf, 0, want);
      pos += want;
    }
    if (s[0] != endCk1 || s[1] != endCk2) {
      throw new IOException("WAL changed while copying: checksum chain broken before " + to);
    }
  }

  /** What {@link #checkFrame} found. */
  enum FrameCheck {
    /** The salts are the header's and the checksum chains. */
    VALID,
    /** The salts are not the header's: the frame belongs to another life of the WAL. */
    OTHER_SALTS,
    /** The salts match but the cumulative checksum does not chain. */
    BAD_CHECKSUM
  }

  /**
   * Verifies one frame the way {@link #scan} and {@link #copyCommitted} do (the one frame
   * verifier, also used by restores) and says why it does not verify.
   *
   * @param s the cumulative checksum before the frame, advanced in place (meaningful only when
   *     the frame is {@link FrameCheck#VALID})
   */
  static FrameCheck checkFrame(Wal.Header h, byte[] buf, int off, int[] s) {
    if (frameValid(h, buf, off, s)) {
      return FrameCheck.VALID;
    }
    return saltsMatch(h, buf, off) ? FrameCheck.BAD_CHECKSUM : FrameCheck.OTHER_SALTS;
  }

  private static boolean saltsMatch(Wal.Header h, byte[] buf, int off) {
    return Wal.u32(buf, off + 8) == h.salt1() && Wal.u32(buf, off + 12) == h.salt2();
  }

  /** Verifies one frame (salts, checksum chained from {@code s}) and advances {@code s}. */
  private static boolean frameValid(Wal.Header h, byte[] buf, int off, int[] s) {
    if (!saltsMatch(h, buf, off)) {
      return false;
    }
    Wal.checksum(h.bigEndian(), buf, off, 8, s);
    Wal.checksum(h.bigEndian(), buf, off + Wal.FRAME_HEADER_SIZE, h.pageSize(), s);
    return s[0] == Wal.u32(buf, off + 16) && s[1] == Wal.u32(buf, off + 20);
  }
}
