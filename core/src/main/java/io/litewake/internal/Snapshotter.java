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
 * with, and a new one every snapshot interval when the database changed. The file is read through
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
  private final Clock clock;
  private final ReplicationListener listener;
  private final boolean distinctKeys;

  Snapshotter(Path db, String name, Logger log, Spool spool, HistoryState state, ObjectEncoder encoder,
      Duration interval, Clock clock, ReplicationListener listener, boolean distinctKeys) {
    this.db = db;
    this.name = name;
    this.log = log;
    this.spool = spool;
    this.state = state;
    this.encoder = encoder;
    this.interval = interval;
    this.clock = clock;
    this.listener = listener;
    this.distinctKeys = distinctKeys;
  }

  /**
   * True when a due snapshot would go under the key of the last one (the WAL index did not change
   * since) and keys must stay distinct: the WAL must move to a new index first.
   */
  boolean needsNewIndex() {
    return distinctKeys && state.index == state.snapIndex;
  }

  /** True when the snapshot interval passed and something was written since the last snapshot. */
  boolean due() {
    if (clock.instant().isBefore(state.lastSnapshotAt.plus(interval))) {
      return false;
    }
    return state.snapIndex != state.index || state.snapOffset != state.offset;
  }

  /** Spools a snapshot of the database as it is under the current hold, at the current index. */
  void write() throws IOException {
    Hooks.run(Hooks.beforeSnapshot);
    DbFiles.Reader ch = DbFiles.reader(db);
    long size = ch.size();
    Path tmp = spool.newTempFile();
    byte[] buf = new byte[1 << 20];
    long pos = 0;
    try (OutputStream out = encoder.open(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16),
        Codecs.SNAPSHOT_LEVEL)) {
      while (pos < size) {
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
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String key = Layout.snapshotKey(state.generation, state.index, encoder.compression());
    Spool.Entry e = spool.add(key, tmp, true, Instant.now(), null, true);
    state.walBytesSinceSnapshot = 0;
    state.generationStart = false; // WAL spooled from now on is after the snapshot, baseline or not
    state.lastSnapshotAt = clock.instant();
    state.snapIndex = state.index;
    state.snapOffset = state.offset;
    log.debug("litewake [{}]: snapshot of {} bytes spooled as {}", name, pos, key);
    listener.snapshotTaken(key, e.size());
  }
}
