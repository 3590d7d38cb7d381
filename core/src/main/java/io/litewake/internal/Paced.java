package io.litewake.internal;

import io.litewake.spi.Throttle;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams paced by a {@link Throttle}: reads that wait for their share of the schedule, and a copy
 * in chunks of {@value #CHUNK} bytes, so that no more than one chunk goes out ahead of the limit.
 * Stateless.
 */
public final class Paced {
  /** The pacing grain of copies. */
  static final int CHUNK = 64 * 1024;

  private Paced() {}

  /**
   * A stream whose reads take their bytes from the schedule (at most {@value #CHUNK} per read).
   *
   * @param in the stream to read
   * @param throttle the rate limit
   * @return the paced stream; closing it closes {@code in}
   */
  public static InputStream input(InputStream in, Throttle throttle) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          throttle.acquire(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, Math.min(len, CHUNK));
        if (n > 0) {
          throttle.acquire(n);
        }
        return n;
      }
    };
  }

  /**
   * Copies {@code in} to {@code out}, each chunk waiting for its share of the schedule before it is
   * written.
   *
   * @param in the source
   * @param out the destination
   * @param throttle the rate limit
   * @return the bytes copied
   * @throws IOException if reading or writing fails, or the thread is interrupted
   */
  public static long copy(InputStream in, OutputStream out, Throttle throttle) throws IOException {
    byte[] buf = new byte[CHUNK];
    long total = 0;
    while (true) {
      int n = in.readNBytes(buf, 0, buf.length);
      if (n <= 0) {
        return total;
      }
      throttle.acquire(n);
      out.write(buf, 0, n);
      total += n;
    }
  }
}
