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
    return walk(wal, h, from, ck1, ck2, Long.MAX_VALUE, null);
  }

  /**
   * Copies the frames in {@code [from, end)} to {@code out}, verifying them again on the way.
   *
   * @throws IOException if the bytes no longer verify (the WAL changed under us)
   */
  public static void copy(FileChannel wal, Wal.Header h, long from, int ck1, int ck2, long end,
      OutputStream out) throws IOException {
    Scan s = walk(wal, h, from, ck1, ck2, end, out);
    if (s.end() != end) {
      throw new IOException("WAL changed while copying: committed frames end at " + s.end()
          + ", expected " + end);
    }
  }

  private static Scan walk(FileChannel wal, Wal.Header h, long from, int ck1, int ck2, long limit,
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
    long copied = from;
    outer:
    while (pos < limit) {
      int want = (int) Math.min(buf.length, limit == Long.MAX_VALUE ? buf.length : limit - pos);
      want -= want % fs;
      if (want == 0) {
        break;
      }
      int n = DbFiles.readFully(wal, ByteBuffer.wrap(buf, 0, want), pos);
      int whole = n - n % fs;
      if (whole == 0) {
        break;
      }
      for (int off = 0; off < whole; off += fs) {
        if (Wal.u32(buf, off + 8) != h.salt1() || Wal.u32(buf, off + 12) != h.salt2()) {
          break outer;
        }
        Wal.checksum(h.bigEndian(), buf, off, 8, s);
        Wal.checksum(h.bigEndian(), buf, off + Wal.FRAME_HEADER_SIZE, h.pageSize(), s);
        if (s[0] != Wal.u32(buf, off + 16) || s[1] != Wal.u32(buf, off + 20)) {
          break outer;
        }
        frames++;
        int commit = Wal.u32(buf, off + 4);
        if (commit != 0) {
          long end = pos + off + fs;
          if (out != null) {
            // write everything up to this commit frame that is still in the buffer
            int startInBuf = (int) Math.max(0, copied - pos);
            out.write(buf, startInBuf, (int) (end - pos) - startInBuf);
            copied = end;
          }
          lastCommit = end;
          lastCk1 = s[0];
          lastCk2 = s[1];
          commitPages = commit;
        }
      }
      if (out != null && copied < pos + whole) {
        // uncommitted frames at the end of the buffer: keep them for later only if they may
        // still be followed by a commit inside the limit
        int startInBuf = (int) Math.max(0, copied - pos);
        out.write(buf, startInBuf, whole - startInBuf);
        copied = pos + whole;
      }
      pos += whole;
      if (n < want) {
        break;
      }
    }
    return new Scan(lastCommit, lastCk1, lastCk2, frames, commitPages);
  }
}
