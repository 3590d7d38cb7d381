package io.litewake.internal;

import java.io.IOException;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decodes LZ4 frames (the format of {@code LZ4FrameOutputStream} and pierrec/lz4) held in memory,
 * straight into a growable output buffer: no per-object 4 MiB block buffers. Verifies the header
 * checksum, block checksums and content checksum when present, and the content size when given;
 * handles concatenated and skippable frames. Frames with dependent (linked) blocks or a dictionary
 * id are not decoded here: {@link Unsupported} is thrown so that the caller can fall back to
 * {@code LZ4FrameInputStream}.
 */
final class Lz4Frames {
  static final int MAGIC = 0x184D2204;
  private static final int SKIPPABLE_MAGIC_PREFIX = 0x184D2A5; // 0x184D2A50..0x184D2A5F
  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
  /** lz4-java's Java XXH32: 3-5 GB/s here, against 1.3 GB/s for its native one (see {@link Lz4FrameStream}). */
  private static final XXHash32 XXHASH = XXHashFactory.fastestJavaInstance().hash32();

  private Lz4Frames() {}

  /** The frame uses a feature this decoder leaves to {@code LZ4FrameInputStream}. */
  static final class Unsupported extends IOException {
    Unsupported(String why) {
      super(why);
    }
  }

  /** A byte array that grows as output is appended; growth can be refused. */
  static class Sink {
    byte[] buf;
    int len;

    Sink(int initial) {
      buf = new byte[Math.max(16, initial)];
    }

    /** Makes room for at least {@code extra} more bytes. */
    final void ensure(int extra) throws IOException {
      long need = (long) len + extra;
      if (need <= buf.length) {
        return;
      }
      if (need > Integer.MAX_VALUE - 16) {
        throw new IOException("decompressed object larger than 2 GiB");
      }
      int cap = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, (long) buf.length * 2));
      reserve(cap - buf.length);
      byte[] n = new byte[cap];
      System.arraycopy(buf, 0, n, 0, len);
      buf = n;
    }

    /** Called before the buffer grows by {@code bytes}; throws to refuse. */
    void reserve(int bytes) throws IOException {}
  }

  /** Decodes every frame in {@code src[off, off + n)}, appending the content to {@code out}. */
  static void decode(byte[] src, int off, int n, Sink out) throws IOException {
    int pos = off;
    int end = off + n;
    while (pos < end) {
      if (end - pos < 4) {
        throw new IOException("Stream ended prematurely");
      }
      int magic = le32(src, pos);
      pos += 4;
      if ((magic >>> 4) == SKIPPABLE_MAGIC_PREFIX) {
        need(end, pos, 4);
        long skip = Integer.toUnsignedLong(le32(src, pos));
        pos += 4;
        if (skip > end - pos) {
          throw new IOException("Stream ended prematurely");
        }
        pos += (int) skip;
        continue;
      }
      if (magic != MAGIC) {
        throw new IOException("Stream unsupported (not an LZ4 frame)");
      }
      pos = frame(src, pos, end, out);
    }
  }

  /** Decodes one frame whose magic ends before {@code pos}; returns the position after it. */
  private static int frame(byte[] src, int pos, int end, Sink out) throws IOException {
    need(end, pos, 3);
    int descStart = pos;
    int flg = src[pos++] & 0xFF;
    int bd = src[pos++] & 0xFF;
    if ((flg >>> 6) != 1 || (flg & 0x02) != 0 || (bd & 0x8F) != 0) {
      throw new IOException("Stream frame descriptor corrupted");
    }
    boolean independent = (flg & 0x20) != 0;
    boolean blockChecksum = (flg & 0x10) != 0;
    boolean hasContentSize = (flg & 0x08) != 0;
    boolean contentChecksum = (flg & 0x04) != 0;
    boolean dictId = (flg & 0x01) != 0;
    int maxId = (bd >>> 4) & 0x7;
    if (maxId < 4) {
      throw new IOException("Stream frame descriptor corrupted (block size id " + maxId + ")");
    }
    int blockMax = 1 << (2 * maxId + 8);
    long contentSize = -1;
    if (hasContentSize) {
      need(end, pos, 8);
      contentSize = Integer.toUnsignedLong(le32(src, pos)) | ((long) le32(src, pos + 4) << 32);
      pos += 8;
    }
    if (dictId) {
      need(end, pos, 4);
      pos += 4;
    }
    need(end, pos, 1);
    int hc = (XXHASH.hash(src, descStart, pos - descStart, 0) >>> 8) & 0xFF;
    if (hc != (src[pos++] & 0xFF)) {
      throw new IOException("Stream frame descriptor corrupted");
    }
    if (!independent) {
      throw new Unsupported("dependent blocks");
    }
    if (dictId) {
      throw new Unsupported("dictionary id");
    }
    int contentStart = out.len;
    while (true) {
      need(end, pos, 4);
      int word = le32(src, pos);
      pos += 4;
      if (word == 0) {
        break;
      }
      boolean stored = (word & 0x80000000) != 0;
      int size = word & 0x7FFFFFFF;
      if (size > blockMax) {
        throw new IOException("Block size " + size + " exceeded max: " + blockMax);
      }
      need(end, pos, size + (blockChecksum ? 4 : 0));
      if (blockChecksum && XXHASH.hash(src, pos, size, 0) != le32(src, pos + size)) {
        throw new IOException("Block checksum mismatch");
      }
      if (stored) {
        out.ensure(size);
        System.arraycopy(src, pos, out.buf, out.len, size);
        out.len += size;
      } else {
        block(src, pos, size, blockMax, out);
      }
      pos += size + (blockChecksum ? 4 : 0);
    }
    int produced = out.len - contentStart;
    if (contentChecksum) {
      need(end, pos, 4);
      if (XXHASH.hash(out.buf, contentStart, produced, 0) != le32(src, pos)) {
        throw new IOException("Content checksum mismatch");
      }
      pos += 4;
    }
    if (hasContentSize && contentSize != produced) {
      throw new IOException("Size check mismatch");
    }
    return pos;
  }

  /** Decompresses one block straight into the sink, growing it when the block does not fit. */
  private static void block(byte[] src, int pos, int size, int blockMax, Sink out) throws IOException {
    // A guess first (most blocks of small objects are far below the 4 MiB maximum); on failure
    // grow up to the frame's block maximum; a failure with that much room is corrupt input.
    out.ensure((int) Math.min(blockMax, Math.max(64 * 1024, (long) size * 4)));
    while (true) {
      int room = Math.min(blockMax, out.buf.length - out.len);
      try {
        int n = DECOMPRESSOR.decompress(src, pos, size, out.buf, out.len, room);
        out.len += n;
        return;
      } catch (LZ4Exception e) {
        if (room >= blockMax) {
          throw new IOException("corrupt LZ4 block: " + e.getMessage(), e);
        }
        out.ensure((int) Math.min(blockMax, (long) room * 2));
      }
    }
  }

  private static void need(int end, int pos, int n) throws IOException {
    if (n < 0 || end - pos < n) {
      throw new IOException("Stream ended prematurely");
    }
  }

  private static int le32(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
  }
}
