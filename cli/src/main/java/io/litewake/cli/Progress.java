package io.litewake.cli;

import io.litewake.RestoreListener;
import io.litewake.RestorePlan;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Shows a restore's progress on stderr: a bar redrawn in place on a terminal, a plain line every
 * few seconds otherwise (logs, CI), nothing with {@link Mode#NONE}. Each shows bytes, objects,
 * the rate and the time left.
 *
 * <p>State: the totals are set once by {@link #planned} (before any byte arrives), the counters
 * are atomics fed by the download threads; one daemon thread draws, and {@link #finish()} draws
 * the last state on the caller's thread after stopping it.
 */
final class Progress implements RestoreListener, AutoCloseable {

  /** How progress is shown. */
  enum Mode {
    /** A bar on a terminal, plain lines otherwise. */
    AUTO,
    /** A bar redrawn in place (carriage returns). */
    BAR,
    /** A plain line every few seconds. */
    LINES,
    /** Nothing. */
    NONE
  }

  static final Duration BAR_EVERY = Duration.ofMillis(200);
  static final Duration LINE_EVERY = Duration.ofSeconds(5);
  private static final int WIDTH = 24;

  private final PrintWriter err;
  private final Mode mode;
  private final LongSupplier nanos;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger objects = new AtomicInteger();
  private volatile long totalBytes = -1;
  private volatile int totalObjects;
  private volatile long startNanos;
  private volatile RestorePlan plan;
  private ScheduledExecutorService drawer;
  private int lastWidth;

  Progress(PrintWriter err, Mode mode, LongSupplier nanos) {
    this.err = err;
    this.mode = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
    this.nanos = nanos;
  }

  /** The plan the restore followed, null before it was made. */
  RestorePlan plan() {
    return plan;
  }

  /** The mode in effect ({@link Mode#AUTO} resolved). */
  Mode mode() {
    return mode;
  }

  @Override
  public void planned(RestorePlan plan) {
    this.plan = plan;
    totalBytes = plan.bytes();
    totalObjects = plan.objects();
    startNanos = nanos.getAsLong();
    if (mode == Mode.NONE) {
      return;
    }
    Duration every = mode == Mode.BAR ? BAR_EVERY : LINE_EVERY;
    drawer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "litewake-progress");
      t.setDaemon(true);
      return t;
    });
    drawer.scheduleAtFixedRate(this::draw, mode == Mode.BAR ? 0 : every.toMillis(), every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void bytesRead(long n) {
    bytes.addAndGet(n);
  }

  @Override
  public void objectRead(String key, long size) {
    objects.incrementAndGet();
  }

  /** Stops drawing; on a terminal, draws the final state and ends the bar's line. */
  void finish() {
    stop();
    if (mode == Mode.BAR && totalBytes >= 0) {
      draw();
      synchronized (this) {
        err.println();
        err.flush();
      }
    }
  }

  /** Stops drawing, leaving a started bar's line ended. */
  @Override
  public void close() {
    if (stop() && mode == Mode.BAR) {
      synchronized (this) {
        err.println();
        err.flush();
      }
    }
  }

  private boolean stop() {
    ScheduledExecutorService d = drawer;
    drawer = null;
    if (d == null) {
      return false;
    }
    d.shutdownNow();
    try {
      d.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  private synchronized void draw() {
    String s = line(bytes.get(), objects.get(), nanos.getAsLong() - startNanos);
    if (mode == Mode.BAR) {
      int pad = Math.max(0, lastWidth - s.length());
      err.print("\r" + s + " ".repeat(pad));
      lastWidth = s.length();
    } else {
      err.println("restore: " + s);
    }
    err.flush();
  }

  /** One rendering: {@code [#####.....]  42%  1.2 MiB / 2.9 MiB  3/7 objects  800 KiB/s  ETA 2.1 s}. */
  String line(long done, int doneObjects, long elapsedNanos) {
    long total = Math.max(0, totalBytes);
    double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
    double seconds = elapsedNanos / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = done >= total ? "done"
        : rate <= 0 ? "ETA ?" : "ETA " + Text.duration(Duration.ofMillis((long) ((total - done) / rate * 1000)));
    StringBuilder sb = new StringBuilder();
    if (mode == Mode.BAR) {
      int filled = (int) Math.round(fraction * WIDTH);
      sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
    }
    sb.append(String.format(Locale.ROOT, "%3d%%  %s / %s  %d/%d objects  %s/s  %s", (int) Math.floor(fraction * 100),
        Text.bytes(done), Text.bytes(total), Math.min(doneObjects, totalObjects), totalObjects,
        Text.bytes((long) rate), eta));
    return sb.toString();
  }
}
