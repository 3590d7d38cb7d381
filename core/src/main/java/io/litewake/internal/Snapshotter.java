package io.litewake.internal;

import io.litewake.ReplicationListener;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Writes snapshots of the whole database file into the spool: the one a new generation starts
 * with, a new one every snapshot interval when the database changed, and one as soon as the WAL
 * shipped since the last snapshot passes a multiple of the database's size or a count of segments
 * (so that a restore never reads much more than the database). The file is read through
 * the never-closed channel of {@link DbFiles}, under the {@link ReadHold} of the pass that calls
 * it. Used by the pass strand only ({@link Shipping}).
 *
 * <p>With {@code distinctKeys} (restore points kept by a {@link KeepPolicy}, or an append-only
 * replica) no snapshot may replace another under the same key: a scheduled snapshot then waits
 * until the WAL index moved on ({@link #needsNewIndex()}); {@link Checkpointer#emptyWalForSnapshot}
 * makes it move.
 */
final class Snapshotter {
  private final Path db;
  private final String name;
  private final Logger log;
  private final Spool spool;
  private final HistoryState state;
  private final ObjectEncoder encoder;
  private final Duration interval;
  private final double walRatio;
  private final int walObjects;
  /** The WAL index at which the WAL since the last snapshot passed a bound, or -1. */
  private long boundIndex = -1;
  /**
   * The smallest size bound: a small database under constant writes is not snapshotted at every
   * segment (each snapshot is a request), and a restore reading this much more costs nothing.
   */
  static final long MIN_BYTES_BOUND = 1 << 20;
  /** The size bound in bytes as {@link #due()} last computed it. */
  private double bytesBound = Double.MAX_VALUE;
  private final Clock clock;
  private final ReplicationListener listener;
  private final boolean distinctKeys;

  Snapshotter(Path db, String name, Logger log, Spool spool, HistoryState state, ObjectEncoder encoder,
      Duration interval, double walRatio, int walObjects, Clock clock, ReplicationListener listener,
      boolean distinctKeys) {
    this.db = db;
    this.name = name;
    this.log = log;
    this.spool = spool;
    this.state = state;
    this.encoder = encoder;
    this.interval = interval;
    this.walRatio = walRatio;
    this.walObjects = walObjects;
    this.clock = clock;
    this.listener = listener;
    this.distinctKeys = distinctKeys;
  }

  /**
   * True when a due snapshot must wait for the WAL to move to a new index ({@link
   * Checkpointer#emptyWalForSnapshot} makes it move): when it would go under the key of the last
   * one and keys must stay distinct, or when it is taken for the bound and the current WAL index
   * already holds more than the bound. A restore reads a snapshot's WAL index from its start
   * (Litestream's layout), so a snapshot in the middle of a long index would leave the restore
   * reading all of that index before it; taken at the start of the next one, it leaves only what
   * follows. Past one and a half times the bound it no longer waits.
   */
  boolean needsNewIndex() {
    if (distinctKeys && state.index == state.snapIndex) {
      return true;
    }
    return boundIndex >= 0 && state.index == boundIndex && state.offset > bytesBound
        && state.walObjectsSinceSnapshot < walObjects * 3L / 2 && state.walBytesSinceSnapshot <= 1.5 * bytesBound;
  }

  /**
   * True when something was written since the last snapshot and either the snapshot interval
   * passed, or the WAL shipped since then passed the size or count bound (see {@link
   * #needsNewIndex()} for where a snapshot for the bound is taken).
   */
  boolean due() throws IOException {
    if (state.snapIndex == state.index && state.snapOffset == state.offset) {
      return false;
    }
    if (!clock.instant().isBefore(state.lastSnapshotAt.plus(interval))) {
      return true;
    }
    bytesBound = Math.max(MIN_BYTES_BOUND, walRatio * DbFiles.reader(db).size());
    boolean over = state.walObjectsSinceSnapshot >= walObjects || state.walBytesSinceSnapshot > bytesBound;
    if (!over) {
      return false;
    }
    if (boundIndex < 0) {
      boundIndex = state.index;
      log.debug("litewake [{}]: {} WAL segments, {} bytes since the last snapshot (bounds {}, {}): a snapshot is due"
          + " at the start of the WAL index after {}", name, state.walObjectsSinceSnapshot, state.walBytesSinceSnapshot,
          walObjects, (long) bytesBound, boundIndex);
    }
    return true;
  }

  /** Spools a snapshot of the database as it is under the current hold, at the current index, at full speed. */
  void write() throws IOException {
    write(false);
  }

  /**
   * Spools a snapshot of the database as it is under the current hold, at the current index.
   *
   * @param paced whether to rest as long as it worked after each megabyte (a snapshot taken while
   *     the application runs: it then takes at most about half of a core, leaving the application
   *     its own on a small machine)
   */
  void write(boolean paced) throws IOException {
    Hooks.run(Hooks.beforeSnapshot);
    DbFiles.Reader ch = DbFiles.reader(db);
    long size = ch.size();
    Path tmp = spool.newTempFile();
    byte[] buf = new byte[1 << 20];
    long pos = 0;
    try (OutputStream out = encoder.open(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16),
        Codecs.SNAPSHOT_LEVEL)) {
      while (pos < size) {
        long chunkStart = paced ? System.nanoTime() : 0;
        int want = (int) Math.min(buf.length, size - pos);
        int n = ch.read(pos, buf, 0, want);
        if (pos == 0 && n >= 100 && !DbFiles.isSqliteHeader(buf)) {
          throw new IOException(db + " is not a SQLite database (bad header)");
        }
        out.write(buf, 0, n);
        pos += n;
        if (n < want) {
          break;
        }
        if (paced) {
          rest(System.nanoTime() - chunkStart);
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String key = Layout.snapshotKey(state.generation, state.index, encoder.compression());
    Spool.Entry e = spool.add(key, tmp, true, Instant.now(), null, true);
    state.walBytesSinceSnapshot = 0;
    state.generationStart = false; // WAL spooled from now on is after the snapshot, baseline or not
    state.walObjectsSinceSnapshot = 0;
    boundIndex = -1;
    state.lastSnapshotAt = clock.instant();
    state.snapIndex = state.index;
    state.snapOffset = state.offset;
    log.debug("litewake [{}]: snapshot of {} bytes spooled as {}", name, pos, key);
    listener.snapshotTaken(key, e.size());
  }

  private static void rest(long workedNanos) throws IOException {
    try {
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.min(workedNanos, 50_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("snapshot interrupted");
    }
  }
}
