package io.litewake.internal;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.litewake.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** Compression streams for replica objects. */
public final class Codecs {
  /** zstd level: level 3 is zstd's default, a good ratio at several hundred MB/s. */
  static final int ZSTD_LEVEL = 3;

  private Codecs() {}

  /** Wraps {@code out} so that what is written is compressed; closing finishes the frame. */
  public static OutputStream compress(Compression c, OutputStream out) throws IOException {
    switch (c) {
      case ZSTD: {
        ZstdOutputStream z = new ZstdOutputStream(out, ZSTD_LEVEL);
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
        return new LZ4FrameInputStream(in);
      default:
        throw new IllegalArgumentException("unknown compression " + c);
    }
  }
}
