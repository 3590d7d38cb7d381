package io.litewake.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Decides when the next pass runs: after the sync interval, or earlier once the application has
 * appended half of {@code maxCheckpointPages} frames since the last pass (so that a fast writer's
 * WAL is restarted at that size instead of growing for a whole interval); and asks for the hold
 * to move off read mark 0 as soon as the application restarted the WAL. A short task on the
 * shared timer every {@value #POLL_MS} ms: a stat, and two small reads only when the WAL changed
 * since the last look; no lock. Its one field, the last stat seen, is touched only by that task.
 */
final class WalWatcher {
  static final long POLL_MS = 10;
  private final Path walPath;
  private final Shipping shipping;
  private final int frames;
  private final Logger log;
  private final String name;
  private Object seen;
  private ScheduledFuture<?> task;
  /**
   * Polls skipped while the WAL stays unchanged: a quiet database is looked at less often, up to
   * a quarter of the sync interval (at most 250 ms), so that hundreds of idle databases cost
   * little; any change brings it back to every {@value #POLL_MS} ms.
   */
  private final int maxQuietLooks;
  private int quiet;
  private int skip;

  WalWatcher(Path db, Shipping shipping, int maxCheckpointPages, java.time.Duration syncInterval, Logger log,
      String name) {
    this.maxQuietLooks = (int) Math.max(1, Math.min(syncInterval.toMillis() / 4, 250) / POLL_MS);
    this.walPath = Path.of(db + "-wal");
    this.shipping = shipping;
    this.frames = Math.max(1, maxCheckpointPages / 2);
    this.log = log;
    this.name = name;
  }

  synchronized void start(ScheduledExecutorService timer) {
    task = timer.scheduleWithFixedDelay(this::look, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  private void look() {
    if (shipping.closed() || shipping.busy()) {
      return;
    }
    if (System.nanoTime() - shipping.nextDueNanos() >= 0) {
      shipping.requestPass();
      return;
    }
    if (skip > 0) {
      skip--;
      return;
    }
    Object now = DbFiles.sizeAndTime(walPath);
    if (now == null || now.equals(seen)) {
      quiet = Math.min(quiet + 1, maxQuietLooks);
      skip = quiet - 1; // no WAL, or not written since the last look: look less often
      return;
    }
    quiet = 0;
    seen = now;
    byte[] held = shipping.pinHeader();
    Look look = lookAtWal(shipping.shippedOffset(), shipping.shippedHeader(), held);
    if (look == Look.RESTARTED) {
      shipping.requestRepin(held);
    } else if (look == Look.GROWN) {
      log.debug("litewake [{}]: WAL grew by {} frames since the last pass; shipping early", name, frames);
      shipping.requestPass();
    }
  }

  /** What a look at the WAL between passes found. */
  private enum Look { UNCHANGED, RESTARTED, GROWN }

  /**
   * Whether the WAL was restarted under the hold (its header is no longer {@code held}, the one
   * noted when the hold began, and a frame of the new life is there), or holds at least
   * {@link #frames} frames of its current life past the shipped position. A frame belongs to the
   * current life when its salts equal the header's; frames left from before a restart do not.
   */
  private Look lookAtWal(long shipped, byte[] shippedWalHeader, byte[] held) {
    try (FileChannel wal = ReadHold.openWal(walPath)) {
      if (wal == null) {
        return Look.UNCHANGED;
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      Wal.Header h = ReadHold.readHeader(wal, hb);
      if (h == null) {
        return Look.UNCHANGED;
      }
      if (held != null && !Arrays.equals(hb, held) && frameOfLife(wal, h, Wal.HEADER_SIZE)) {
        return Look.RESTARTED;
      }
      boolean restarted = !Arrays.equals(hb, shippedWalHeader);
      long base = shipped > 0 && !restarted ? shipped : Wal.HEADER_SIZE;
      return frameOfLife(wal, h, base + (long) (frames - 1) * h.frameSize()) ? Look.GROWN : Look.UNCHANGED;
    } catch (IOException e) {
      return Look.UNCHANGED;
    }
  }

  private static boolean frameOfLife(FileChannel wal, Wal.Header h, long at) throws IOException {
    byte[] fh = new byte[Wal.FRAME_HEADER_SIZE];
    if (DbFiles.readFully(wal, ByteBuffer.wrap(fh), at) < Wal.FRAME_HEADER_SIZE) {
      return false;
    }
    return Wal.u32(fh, 8) == h.salt1() && Wal.u32(fh, 12) == h.salt2();
  }
}
