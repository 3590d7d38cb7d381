package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;

/** The streaming LZ4 frame decoder: what LZ4FrameOutputStream writes, every flag; damage detected. */
class Lz4FrameStreamTest {
  private static byte[] content(int n) {
    Random r = new Random(n);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (r.nextInt(8) == 0 ? r.nextInt() : 'a' + (i % 13));
    }
    return b;
  }

  private static byte[] frame(byte[] data, LZ4FrameOutputStream.BLOCKSIZE size, LZ4FrameOutputStream.FLG.Bits... bits)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream out = bits.length == 0 ? new LZ4FrameOutputStream(bytes, size)
        : new LZ4FrameOutputStream(bytes, size, data.length, bits)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  private static byte[] read(byte[] stored) throws IOException {
    try (InputStream in = new Lz4FrameStream(new ByteArrayInputStream(stored))) {
      return in.readAllBytes();
    }
  }

  @Test
  void decodesWhatLz4FrameOutputStreamWritesWithEveryFlag() throws IOException {
    byte[] data = content(3 * (1 << 16) + 777);
    LZ4FrameOutputStream.FLG.Bits ind = LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE;
    LZ4FrameOutputStream.FLG.Bits cc = LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM;
    LZ4FrameOutputStream.FLG.Bits bc = LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM;
    LZ4FrameOutputStream.FLG.Bits cs = LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE;
    assertThat(read(frame(data, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, ind, cc))).isEqualTo(data);
    assertThat(read(frame(data, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, ind, cc, bc, cs))).isEqualTo(data);
    assertThat(read(frame(data, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, ind))).isEqualTo(data);
    assertThat(read(frame(data, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB))).as("dependent blocks: handed over")
        .isEqualTo(data);
    byte[] two = frame(data, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, ind, cc);
    byte[] both = Arrays.copyOf(two, two.length * 2);
    System.arraycopy(two, 0, both, two.length, two.length);
    byte[] twice = Arrays.copyOf(data, data.length * 2);
    System.arraycopy(data, 0, twice, data.length, data.length);
    assertThat(read(both)).as("concatenated frames").isEqualTo(twice);
    assertThat(read(new byte[0])).isEmpty();
  }

  @Test
  void damageIsDetected() throws IOException {
    byte[] data = content(200_000);
    byte[] good = frame(data, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
        LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    assertThatThrownBy(() -> read(flipped)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(Arrays.copyOf(good, good.length - 3))).isInstanceOf(IOException.class)
        .hasMessageContaining("prematurely");
    byte[] badHeader = good.clone();
    badHeader[6] ^= 1;
    assertThatThrownBy(() -> read(badHeader)).isInstanceOf(IOException.class).hasMessageContaining("descriptor");
  }
}
