package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.junit.jupiter.api.Test;

class Lz4FramesTest {
  private static byte[] content(int n, long seed) {
    Random rnd = new Random(seed);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      // half compressible text, half random
      b[i] = (i / 4096) % 2 == 0 ? (byte) ('a' + (i % 7)) : (byte) rnd.nextInt();
    }
    return b;
  }

  private static byte[] frame(byte[] data, BLOCKSIZE bs, boolean knownSize, Bits... bits) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream out = knownSize
        ? new LZ4FrameOutputStream(bo, bs, data.length, bits)
        : new LZ4FrameOutputStream(bo, bs, bits)) {
      out.write(data);
    }
    return bo.toByteArray();
  }

  private static byte[] decode(byte[] src) throws IOException {
    Lz4Frames.Sink out = new Lz4Frames.Sink(0);
    Lz4Frames.decode(src, 0, src.length, out);
    return Arrays.copyOf(out.buf, out.len);
  }

  private static byte[] reference(byte[] src) throws IOException {
    try (InputStream in = new LZ4FrameInputStream(new java.io.ByteArrayInputStream(src))) {
      return in.readAllBytes();
    }
  }

  @Test
  void decodesFramesWithEveryFlagCombination() throws IOException {
    Bits[][] combos = {
        {Bits.BLOCK_INDEPENDENCE},
        {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM},
        {Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM},
        {Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM},
        {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE, Bits.CONTENT_CHECKSUM},
        {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM},
    };
    for (BLOCKSIZE bs : new BLOCKSIZE[] {BLOCKSIZE.SIZE_64KB, BLOCKSIZE.SIZE_256KB, BLOCKSIZE.SIZE_4MB}) {
      for (Bits[] bits : combos) {
        boolean size = Arrays.asList(bits).contains(Bits.CONTENT_SIZE);
        for (int n : new int[] {0, 1, 4096, 70_000, 300_000, 5_000_000}) {
          byte[] data = content(n, n);
          byte[] f = frame(data, bs, size, bits);
          assertThat(decode(f)).as("%s %s %d", bs, Arrays.toString(bits), n).isEqualTo(data);
          assertThat(reference(f)).isEqualTo(data);
        }
      }
    }
  }

  @Test
  void decodesConcatenatedAndSkippableFrames() throws IOException {
    byte[] a = content(100_000, 1);
    byte[] b = content(5_000, 2);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(frame(a, BLOCKSIZE.SIZE_64KB, false, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM));
    all.write(new byte[] {0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9}); // skippable frame, 3 bytes
    all.write(frame(b, BLOCKSIZE.SIZE_4MB, false, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM));
    byte[] expected = new byte[a.length + b.length];
    System.arraycopy(a, 0, expected, 0, a.length);
    System.arraycopy(b, 0, expected, a.length, b.length);
    assertThat(decode(all.toByteArray())).isEqualTo(expected);
    assertThat(reference(all.toByteArray())).isEqualTo(expected);
  }

  @Test
  void rejectsCorruptedAndTruncatedFrames() throws IOException {
    byte[] data = content(200_000, 3);
    for (Bits[] bits : new Bits[][] {
        {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM},
        {Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM}}) {
      byte[] f = frame(data, BLOCKSIZE.SIZE_64KB, false, bits);
      for (int at : new int[] {4, 5, 6, f.length / 3, f.length / 2, f.length - 2}) {
        byte[] bad = f.clone();
        bad[at] ^= 0x40;
        assertThatThrownBy(() -> decode(bad)).as("flip at %d", at).isInstanceOf(IOException.class);
      }
      byte[] cut = Arrays.copyOf(f, f.length - 3);
      assertThatThrownBy(() -> decode(cut)).isInstanceOf(IOException.class);
      byte[] cutMid = Arrays.copyOf(f, f.length / 2);
      assertThatThrownBy(() -> decode(cutMid)).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> decode(new byte[] {1, 2, 3, 4, 5})).isInstanceOf(IOException.class);
  }

  @Test
  void refusedGrowthStopsDecoding() throws IOException {
    byte[] data = content(1_000_000, 4);
    byte[] f = frame(data, BLOCKSIZE.SIZE_4MB, false, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM);
    Lz4Frames.Sink capped = new Lz4Frames.Sink(0) {
      @Override
      void reserve(int bytes) throws IOException {
        if (buf.length + bytes > 256 * 1024) {
          throw new IOException("refused");
        }
      }
    };
    assertThatThrownBy(() -> Lz4Frames.decode(f, 0, f.length, capped)).hasMessage("refused");
    Lz4Frames.Sink out = new Lz4Frames.Sink(0);
    Codecs.decompressInto(Compression.LZ4, f, f.length, out);
    assertThat(Arrays.copyOf(out.buf, out.len)).isEqualTo(data);
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (var zo = Codecs.compress(Compression.ZSTD, z, Codecs.FAST_WAL_LEVEL)) {
      zo.write(data);
    }
    Lz4Frames.Sink zout = new Lz4Frames.Sink(0);
    Codecs.decompressInto(Compression.ZSTD, z.toByteArray(), z.size(), zout);
    assertThat(Arrays.copyOf(zout.buf, zout.len)).isEqualTo(data);
  }
}
