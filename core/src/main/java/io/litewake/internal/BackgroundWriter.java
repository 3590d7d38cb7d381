package io.litewake.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Positioned writes of filled buffers on a thread of its own, so that the thread decoding a
 * snapshot fills the next buffer while the last one is written (on two cores, decoding and the
 * kernel's copy into the page cache overlap). A few buffers of {@link #BUFFER} bytes circulate
 * between the two threads through two queues; a failed write is reported by the next {@link
 * #buffer()} or by {@link #finish()}.
 *
 * <p>State: a buffer belongs to whichever thread took it from a queue; {@link #failed} is the one
 * field both threads read.
 */
final class BackgroundWriter implements AutoCloseable {
  static final int BUFFER = 1 << 20;
  private static final int BUFFERS = 3;
  private static final Chunk END = new Chunk(null, 0, 0);

  private record Chunk(byte[] buf, int len, long pos) {}

  private final FileChannel db;
  private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final ArrayBlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread thread;
  private volatile IOException failed;
  private boolean ended;

  BackgroundWriter(FileChannel db, String name) {
    this.db = db;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[BUFFER]);
    }
    thread = new Thread(this::run, "litewake-restore-write-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        Chunk c = full.take();
        if (c == END) {
          return;
        }
        if (failed == null) {
          try {
            RestoreOutput.write(db, ByteBuffer.wrap(c.buf(), 0, c.len()), c.pos());
          } catch (IOException e) {
            failed = e; // reported to the decoding thread; buffers keep circulating until END
          }
        }
        free.put(c.buf());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A free buffer to fill (waits for one). */
  byte[] buffer() throws IOException {
    check();
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("restore interrupted");
    }
  }

  /** Hands a buffer back unwritten. */
  void recycle(byte[] buf) {
    free.add(buf);
  }

  /** Queues {@code len} bytes of {@code buf} for writing at {@code pos}. */
  void submit(byte[] buf, int len, long pos) throws IOException {
    try {
      full.put(new Chunk(buf, len, pos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("restore interrupted");
    }
  }

  /** Waits until everything queued is written. */
  void finish() throws IOException {
    end();
    check();
  }

  private void check() throws IOException {
    IOException f = failed;
    if (f != null) {
      throw f;
    }
  }

  private void end() throws IOException {
    if (ended) {
      return;
    }
    ended = true;
    try {
      full.put(END);
      thread.join();
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("restore interrupted");
    }
  }

  /** Ends the thread (after the writes queued so far). */
  @Override
  public void close() throws IOException {
    end();
  }
}
