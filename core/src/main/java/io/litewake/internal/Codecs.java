package io.litewake.internal;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.litewake.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** Compression streams for replica objects. */
public final class Codecs {
  /** zstd level of snapshots and of small WAL segments: zstd's default. */
  public static final int SNAPSHOT_LEVEL = 3;
  /**
   * zstd level of large WAL segments (a fast writer's): on such WAL data (runs of versions of the
   * same pages) level 1 is both faster (1.4 vs 0.9 GB/s) and smaller (2.6 % vs 3.3 %) than level
   * 3; on the small segments of a moderate writer level 3 is smaller (measured with bench/).
   */
  public static final int FAST_WAL_LEVEL = 1;
  /** WAL segments of at least this many bytes are compressed at {@link #FAST_WAL_LEVEL}. */
  public static final long FAST_WAL_BYTES = 16L << 20;

  /**
   * The zstd level for a WAL segment.
   *
   * @param bytes the WAL bytes it will hold, about
   * @return {@link #FAST_WAL_LEVEL} for large segments, else {@link #SNAPSHOT_LEVEL}
   */
  public static int walLevel(long bytes) {
    return bytes >= FAST_WAL_BYTES ? FAST_WAL_LEVEL : SNAPSHOT_LEVEL;
  }

  private Codecs() {}

  /** Loads the native libraries of both codecs (they load on first use otherwise). */
  static void loadNatives() {
    com.github.luben.zstd.util.Native.load();
    net.jpountz.lz4.LZ4Factory.fastestInstance();
    net.jpountz.xxhash.XXHashFactory.fastestJavaInstance();
  }

  /**
   * Wraps {@code out} so that what is written is compressed; closing finishes the frame.
   *
   * @param zstdLevel {@link #SNAPSHOT_LEVEL} or {@link #walLevel(long)}; LZ4 has one level
   */
  public static OutputStream compress(Compression c, OutputStream out, int zstdLevel) throws IOException {
    switch (c) {
      case ZSTD: {
        ZstdOutputStream z = new ZstdOutputStream(out, zstdLevel);
        z.setChecksum(true);
        return z;
      }
      case LZ4:
        return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
      default:
        throw new IllegalArgumentException("unknown compression " + c);
    }
  }

  /** Wraps {@code in} so that what is read is decompressed and checked. */
  public static InputStream decompress(Compression c, InputStream in) throws IOException {
    switch (c) {
      case ZSTD:
        return new ZstdInputStream(in);
      case LZ4:
        return new Lz4FrameStream(in);
      default:
        throw new IllegalArgumentException("unknown compression " + c);
    }
  }

  /**
   * Decompresses a whole object held in memory into {@code out} (which may refuse to grow). LZ4
   * frames are decoded without {@code LZ4FrameInputStream}'s two block-size buffers per object.
   */
  static void decompressInto(Compression c, byte[] src, int n, Lz4Frames.Sink out) throws IOException {
    if (c == Compression.LZ4) {
      try {
        Lz4Frames.decode(src, 0, n, out);
        return;
      } catch (Lz4Frames.Unsupported e) {
        out.len = 0; // e.g. dependent blocks: let LZ4FrameInputStream decide
      }
    }
    try (InputStream in = decompress(c, new java.io.ByteArrayInputStream(src, 0, n))) {
      while (true) {
        out.ensure(64 * 1024);
        int r = in.read(out.buf, out.len, out.buf.length - out.len);
        if (r < 0) {
          return;
        }
        out.len += r;
      }
    }
  }
}
