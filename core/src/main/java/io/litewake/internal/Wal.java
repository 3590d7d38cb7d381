package io.litewake.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The SQLite WAL file format (sqlite.org/fileformat2.html#walformat): a 32-byte header, then
 * frames of a 24-byte header plus one page. All integers are big-endian; the checksums are
 * computed over 32-bit words whose byte order is given by the low bit of the magic number.
 */
public final class Wal {
  /** Size of the WAL header. */
  public static final int HEADER_SIZE = 32;
  /** Size of a frame header. */
  public static final int FRAME_HEADER_SIZE = 24;
  /** Magic number with little-endian checksums. */
  public static final int MAGIC_LE = 0x377f0682;
  /** Magic number with big-endian checksums. */
  public static final int MAGIC_BE = 0x377f0683;
  /** The only file format version SQLite writes. */
  public static final int VERSION = 3007000;

  private static final VarHandle BE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private Wal() {}

  /** Reads a big-endian unsigned 32-bit integer as int. */
  public static int u32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  /** Writes a big-endian 32-bit integer. */
  public static void putU32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  /**
   * Continues SQLite's WAL checksum over {@code len} bytes (a multiple of 8).
   *
   * @param bigEndian word byte order, from the magic
   * @param s the running checksum {s1, s2}, updated in place
   */
  public static void checksum(boolean bigEndian, byte[] b, int off, int len, int[] s) {
    if (off < 0 || len < 0 || (len & 7) != 0 || off + len > b.length) {
      throw new IndexOutOfBoundsException("checksum range " + off + "+" + len + " of " + b.length);
    }
    // word loads through constant VarHandles compile to plain (byte-swapped) 32-bit loads
    int s1 = s[0];
    int s2 = s[1];
    int end = off + len;
    if (bigEndian) {
      for (int i = off; i < end; i += 8) {
        s1 += (int) BE_INT.get(b, i) + s2;
        s2 += (int) BE_INT.get(b, i + 4) + s1;
      }
    } else {
      for (int i = off; i < end; i += 8) {
        s1 += (int) LE_INT.get(b, i) + s2;
        s2 += (int) LE_INT.get(b, i + 4) + s1;
      }
    }
    s[0] = s1;
    s[1] = s2;
  }

  /** A parsed and validated WAL header. */
  public record Header(
      boolean bigEndian, int pageSize, int checkpointSeq, int salt1, int salt2, int ck1, int ck2) {

    /** Size of one frame, header included. */
    public int frameSize() {
      return FRAME_HEADER_SIZE + pageSize;
    }

    /** True if both salts equal those of {@code other}. */
    public boolean sameSalts(Header other) {
      return other != null && salt1 == other.salt1 && salt2 == other.salt2;
    }
  }

  /**
   * Parses the 32 header bytes.
   *
   * @return the header, or {@code null} if the bytes are not a valid WAL header (bad magic,
   *     version, page size or checksum)
   */
  public static Header parseHeader(byte[] b) {
    if (b.length < HEADER_SIZE) {
      return null;
    }
    int magic = u32(b, 0);
    if (magic != MAGIC_LE && magic != MAGIC_BE) {
      return null;
    }
    boolean be = (magic & 1) == 1;
    if (u32(b, 4) != VERSION) {
      return null;
    }
    int pageSize = u32(b, 8);
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      return null;
    }
    int[] s = new int[2];
    checksum(be, b, 0, 24, s);
    if (s[0] != u32(b, 24) || s[1] != u32(b, 28)) {
      return null;
    }
    return new Header(be, pageSize, u32(b, 12), u32(b, 16), u32(b, 20), s[0], s[1]);
  }
}
