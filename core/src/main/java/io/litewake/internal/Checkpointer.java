package io.litewake.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Runs the replicator's own checkpoints after shipping, so that frames never reach the database
 * file (and leave the WAL) before they are copied: PASSIVE for a slow writer, a WAL restart under
 * a brief write lock past {@code maxCheckpointPages}, and a TRUNCATE of a WAL a burst left large
 * once the writer is idle; before a snapshot that needs a WAL index of its own, a TRUNCATE that
 * never waits, or that WAL restart. Never RESTART, which stalls the application's writers.
 *
 * <p>Where the hold sits decides what the application's commits pay. It is not moved at every
 * pass: each move lets the application's next auto-checkpoint copy the frames below it into the
 * database inside a commit. It moves when the WAL is restarted, for a routine PASSIVE checkpoint
 * under a slow writer, and right after the application restarted the WAL.
 *
 * <p>Owned by the database's pass strand ({@link Shipping}); the only other thread involved is
 * the timer that ends {@link #locker}'s short write transaction (see
 * {@link #advanceHoldProtected}), which flips an atomic flag so that exactly one thread ends it.
 */
final class Checkpointer {
  private static final int WRITE_LOCK_WAIT_MS = 100;
  /** Frames left to copy and backfill under the write lock that the restart may take at once. */
  private static final int SMALL_TAIL_FRAMES = 256;
  /** How long a protected hold move waits for the application's write lock. */
  private static final int ADVANCE_LOCK_WAIT_MS = 20;
  /** How long the write lock is kept once our checkpoint was started. */
  private static final long ADVANCE_LOCK_HOLD_US = 1000;
  /** {@link #checkpoint} result: another connection's checkpoint holds the checkpoint lock. */
  private static final long CKPT_BUSY = -2;

  private final Path db;
  private final Path walPath;
  private final String name;
  private final Logger log;
  private final HistoryState state;
  private final ReadHold hold;
  private final WalShipper shipper;
  private final int minPages;
  private final int maxPages;
  private final Duration syncInterval;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  /** A third connection, used only to keep the application from committing for a moment. */
  private Connection locker;
  private long lastPassiveFrames = -1;
  /** The WAL ({@code generation/index}) that {@link #lastPassiveFrames} counts frames of. */
  private String lastPassiveWal = "";
  /** The WAL index and shipped frame count at the last background pass. */
  private long passIndex = -1;
  private long passFrames;
  private int postponed;
  private Instant restartNotBefore = Instant.EPOCH;
  /** System.nanoTime() of the last WAL restart, or 0 before the first. */
  private long lastRestartNanos;
  /** WAL index and frame count that the last restart left ready for a restart, else -1. */
  private long restartedIndex = -1;
  private long restartedFrames = -1;
  private int restartFailures;
  /** When an idle TRUNCATE that did not succeed is tried again. */
  private Instant idleTruncateNotBefore = Instant.EPOCH;
  /** System.nanoTime() before which a TRUNCATE for a snapshot that did not succeed is not tried again. */
  private long snapshotTruncateNotBefore = System.nanoTime();

  Checkpointer(Path db, String name, Logger log, HistoryState state, ReadHold hold, WalShipper shipper,
      int minPages, int maxPages, Duration syncInterval, Clock clock, ScheduledExecutorService timer) {
    this.db = db;
    this.walPath = Path.of(db + "-wal");
    this.name = name;
    this.log = log;
    this.state = state;
    this.hold = hold;
    this.shipper = shipper;
    this.minPages = minPages;
    this.maxPages = maxPages;
    this.syncInterval = syncInterval;
    this.clock = clock;
    this.timer = timer;
  }

  void open() throws SQLException {
    SQLiteConfig l = new SQLiteConfig();
    l.resetOpenMode(SQLiteOpenMode.CREATE);
    l.setBusyTimeout(ADVANCE_LOCK_WAIT_MS);
    locker = l.createConnection("jdbc:sqlite:" + db);
  }

  void close() {
    if (locker != null) {
      try {
        locker.close(); // never inside a transaction here: see advanceHoldProtected
      } catch (SQLException e) {
        log.debug("litewake [{}]: closing connection: {}", name, e.toString());
      }
      locker = null;
    }
  }


  /** After a background pass: a PASSIVE checkpoint, a WAL restart, or an idle truncate, or nothing. */
  void afterPass() throws IOException {
    if (state.header == null || state.offset <= Wal.HEADER_SIZE) {
      return;
    }
    if (!walKey().equals(lastPassiveWal)) {
      lastPassiveFrames = -1; // a new WAL (restart or new generation): nothing checkpointed of it yet
      lastPassiveWal = walKey();
    }
    long frames = state.frames();
    long grown = state.index == passIndex ? frames - passFrames : frames;
    passIndex = state.index;
    passFrames = frames;
    boolean awaitingRestart = state.index == restartedIndex && frames == restartedFrames;
    if (frames >= maxPages && !awaitingRestart && restartDue(frames) && !clock.instant().isBefore(restartNotBefore)) {
      restartWal();
    } else if (frames >= minPages && frames != lastPassiveFrames && grown < minPages) {
      // a slow writer: move the hold up to what was shipped and backfill to it. A fast writer's
      // WAL reaches maxCheckpointPages soon; moving the hold under it would only hand the
      // backfill to the application's next commit (its auto-checkpoint runs first)
      releaseIfBackfilled(frames);
      lastPassiveFrames = frames;
    } else if (grown == 0) {
      shrinkIdleWal(frames);
    }
  }

  /**
   * Backfills to what was shipped; if that is the whole WAL, moves the hold to a new read
   * transaction, which takes read mark 0 if nothing was committed meanwhile: the application's
   * next commit then restarts the WAL, and the hold moves off mark 0 at once. Returns true if
   * the whole WAL was backfilled.
   */
  private boolean releaseIfBackfilled(long frames) throws IOException {
    if (advanceHoldAndBackfill() != frames) {
      return false;
    }
    hold.markShipped(); // every frame the current hold could protect is shipped
    hold.swap();
    recordComplete();
    return true;
  }

  /**
   * Truncates a WAL file that a burst of writes left large, once the application is idle.
   * TRUNCATE cannot remove an unshipped frame: it runs only when the whole WAL is shipped and
   * backfilled, under a hold on read mark 0 that blocks the backfill of anything committed
   * since, so a commit that slips in makes it fail (busy) instead.
   */
  private void shrinkIdleWal(long frames) throws IOException {
    long size;
    try {
      size = Files.size(walPath);
    } catch (NoSuchFileException e) {
      return;
    }
    if (size <= (long) maxPages * state.header.frameSize() + Wal.HEADER_SIZE
        || clock.instant().isBefore(idleTruncateNotBefore)) {
      return;
    }
    if (releaseIfBackfilled(frames) && checkpoint(hold.spare(), "TRUNCATE", 0) == 0) {
      log.debug("litewake [{}]: idle WAL of {} bytes truncated", name, size);
      lastPassiveFrames = -1;
    } else {
      // a commit slipped in, or a reader of the application keeps the WAL: later
      idleTruncateNotBefore = clock.instant().plus(syncInterval.multipliedBy(10));
    }
  }

  /**
   * Before a snapshot that needs a WAL index of its own: checkpoints the whole shipped WAL into the
   * database file and truncates the WAL, under a hold on read mark 0 that blocks the backfill of
   * anything committed since (as the idle truncate does), then moves the history to the next WAL
   * index at offset 0. The database file then holds exactly the state at the end of the old index,
   * a snapshot of it starts the new one, and the application's next commit writes the new index
   * from its header. The TRUNCATE never waits. When a commit slipped in (a busy writer), the WAL is
   * restarted as a large one is ({@link #restartWal}: a write lock of about a millisecond), so that
   * the writer's next commit starts the next index and a later pass takes the snapshot there.
   * Returns false, when the snapshot must wait for a later pass.
   */
  boolean emptyWalForSnapshot() throws IOException {
    long frames = state.frames();
    if (state.header == null || frames == 0) {
      return false;
    }
    if (System.nanoTime() - snapshotTruncateNotBefore < 0) {
      return false;
    }
    if (releaseIfBackfilled(frames) && checkpoint(hold.spare(), "TRUNCATE", 0) == 0) {
      log.debug("litewake [{}]: WAL index {} checkpointed and truncated for a snapshot at index {}", name,
          state.index, state.index + 1);
      state.nextWal();
      lastPassiveFrames = -1;
      return true;
    }
    snapshotTruncateNotBefore = System.nanoTime() + syncInterval.multipliedBy(2).toNanos();
    if (state.header != null && !(state.index == restartedIndex && state.frames() == restartedFrames)) {
      restartWal(); // a writer is busy: its next commit restarts the WAL at the next index
    }
    return false;
  }

  /**
   * Restarts a large WAL without losing frames: with the write lock held by our spare connection
   * nothing can commit, so everything is shipped, then checkpointed, then the hold is moved to a
   * read mark 0 (which blocks any further backfill) before the lock is released. The
   * application's next commit then restarts the WAL in place, from its start.
   */
  private void restartWal() throws IOException {
    // copy and backfill what can be done without any lock, so the locked part below stays short
    for (int round = 0; round < 4; round++) {
      long before = state.offset;
      shipper.ship();
      if (state.header == null) {
        break;
      }
      long shipped = state.frames();
      long logFrames = advanceHoldProtected();
      if (state.offset - before < SMALL_TAIL_FRAMES * state.header.frameSize() && logFrames >= 0
          && logFrames - shipped < SMALL_TAIL_FRAMES) {
        break; // little was written meanwhile: the locked part below is short
      }
    }
    Connection w = hold.spare();
    Hooks.run(Hooks.beforeWriteLock);
    // wait longer each time the application's writers win the lock, up to one second
    int waitMs = (int) Math.min(1000, WRITE_LOCK_WAIT_MS * (1L << Math.min(postponed, 4)));
    try (Statement s = w.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + waitMs);
      s.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      postponed++;
      log.debug("litewake [{}]: WAL restart postponed ({} times), the write lock stayed busy for {} ms",
          name, postponed, waitMs);
      busyTimeout(w, ReadHold.READ_BUSY_TIMEOUT_MS);
      return;
    }
    postponed = 0;
    long locked = System.nanoTime();
    boolean pinned;
    long[] backfilled = {-1};
    try {
      // the tail is copied into the spool without its fsyncs (tens of milliseconds that would
      // stop the application's writers); they follow right after the lock is released. A crash
      // before them drops the unrecorded tail at the next start, and the WAL, restarted by
      // then, can no longer prove continuity: a new generation, never a gap
      shipper.shipDeferred();
      pinned = hold.rebegin(() -> backfilled[0] = checkpoint(hold.holding(), "PASSIVE", -1));
    } finally {
      hold.endTxn(w);
      busyTimeout(w, ReadHold.READ_BUSY_TIMEOUT_MS);
      log.debug("litewake [{}]: write lock held {} ms to restart the WAL", name, (System.nanoTime() - locked) / 1_000_000);
    }
    if (!pinned) {
      // the write transaction's read snapshot was the only hold left: nothing holds the WAL now
      // (set before anything below can fail, so that the next pass takes the hold up again)
      hold.lost();
    }
    shipper.saveStateIfDirty(); // makes the tail copied under the lock durable, then records it
    if (!pinned) {
      hold.swap();
      return;
    }
    if (backfilled[0] == CKPT_BUSY) {
      log.debug("litewake [{}]: WAL restart postponed, another checkpoint was running", name);
      return;
    }
    if (backfilled[0] < 0) {
      // a reader of the application keeps part of the WAL: retrying at once would only take the
      // write lock again for nothing
      restartFailures++;
      restartNotBefore = clock.instant().plus(syncInterval.multipliedBy(1L << Math.min(restartFailures, 6)));
      log.debug("litewake [{}]: WAL not fully checkpointed (readers); next restart attempt after {}", name,
          restartNotBefore);
      return;
    }
    restartFailures = 0;
    lastRestartNanos = System.nanoTime();
    // the application's next commit restarts this WAL; until then there is nothing to redo (no
    // header: the copy under the lock started a new generation, the spool limit say)
    restartedIndex = state.header == null ? -1 : state.index;
    restartedFrames = state.header == null ? -1 : state.frames();
    lastPassiveFrames = -1;
    recordComplete();
  }

  /**
   * Records that the WAL is shipped to its end and backfilled in full under a hold on read mark 0,
   * when no frame was committed after the shipped end (checked on the WAL itself): a crash before
   * the application's next commit restarts it then leaves a provable continuation.
   */
  private void recordComplete() throws IOException {
    if (state.header == null || hasFrameAt(state.offset)) {
      return;
    }
    state.walComplete = true;
    shipper.saveState();
  }

  /** True if a frame of the current WAL life starts at {@code at}. */
  private boolean hasFrameAt(long at) throws IOException {
    try (java.nio.channels.FileChannel wal = ReadHold.openWal(walPath)) {
      if (wal == null) {
        return false;
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      Wal.Header h = ReadHold.readHeader(wal, hb);
      if (h == null || !h.sameSalts(state.header)) {
        return true; // restarted or rewritten meanwhile: not the life recorded
      }
      byte[] fh = new byte[Wal.FRAME_HEADER_SIZE];
      if (DbFiles.readFully(wal, java.nio.ByteBuffer.wrap(fh), at) < Wal.FRAME_HEADER_SIZE) {
        return false;
      }
      return Wal.u32(fh, 8) == h.salt1() && Wal.u32(fh, 12) == h.salt2();
    }
  }

  /**
   * Whether a WAL past {@code maxCheckpointPages} is restarted now: at most once per sync interval
   * unless it passed four times that size.
   */
  private String walKey() {
    return state.generation + "/" + state.index;
  }

  private boolean restartDue(long frames) {
    return lastRestartNanos == 0 || frames >= 4L * maxPages
        || System.nanoTime() - lastRestartNanos >= syncInterval.toNanos();
  }

  /**
   * Moves the hold up to the WAL's end (if the last ship was complete) and backfills to it from
   * the spare connection at once. Returns what {@link #checkpoint} returns.
   */
  private long advanceHoldAndBackfill() {
    hold.swap();
    return checkpoint(hold.spare(), "PASSIVE", -1);
  }

  /**
   * {@link #advanceHoldAndBackfill} while the application cannot commit, so that its
   * auto-checkpoint does not get to the frames below the new hold first. The write lock is kept
   * only until our checkpoint holds the checkpoint lock, about a millisecond; the copy then runs
   * while the application writes on. When the write lock is busy the move happens unprotected.
   */
  private long advanceHoldProtected() {
    if (!hold.readyToMove()) {
      return advanceHoldAndBackfill(); // the hold stays: nothing new to backfill to
    }
    try (Statement s = locker.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      return advanceHoldAndBackfill();
    }
    // whoever flips this ends the write transaction: the timer after the hold time, or this
    // thread once its checkpoint is over, whichever comes first (never both: one connection)
    AtomicBoolean ended = new AtomicBoolean();
    Future<?> release;
    try {
      hold.swap();
      release = timer.schedule(() -> {
        if (ended.compareAndSet(false, true)) {
          hold.endTxn(locker);
        }
      }, ADVANCE_LOCK_HOLD_US, TimeUnit.MICROSECONDS);
    } catch (RuntimeException | Error e) {
      hold.endTxn(locker);
      throw e;
    }
    long r = CKPT_BUSY;
    long giveUp = System.nanoTime() + ADVANCE_LOCK_HOLD_US * 1000;
    try {
      // an auto-checkpoint begun after the application's last commit may still hold the
      // checkpoint lock; wait for it no longer than the lock is meant to be held
      while (r == CKPT_BUSY && !ended.get() && System.nanoTime() < giveUp) {
        r = checkpoint(hold.spare(), "PASSIVE", -1);
      }
    } finally {
      if (ended.compareAndSet(false, true)) {
        release.cancel(false); // runs to nothing if it already started
        hold.endTxn(locker);
      } else {
        awaitRelease(release); // the timer ended it, or is ending it right now
      }
    }
    return r;
  }

  /** Waits for the timer's end of the write transaction, even when interrupted. */
  private void awaitRelease(Future<?> release) {
    boolean interrupted = false;
    while (true) {
      try {
        release.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | CancellationException e) {
        hold.endTxn(locker); // it failed (or was shut down) before ending it: end it here
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs a checkpoint; returns the WAL's frame count if the whole WAL is backfilled, {@link
   * #CKPT_BUSY} if another checkpoint was running, else -1. A negative {@code busyMs} leaves the
   * busy timeout as it is (a PASSIVE checkpoint never waits).
   */
  private long checkpoint(Connection c, String mode, int busyMs) {
    if (busyMs >= 0) {
      busyTimeout(c, busyMs);
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (rs.next()) {
        int busy = rs.getInt(1);
        int logFrames = rs.getInt(2);
        int done = rs.getInt(3);
        log.debug("litewake [{}]: checkpoint {}: busy={} log={} checkpointed={}", name, mode, busy, logFrames, done);
        if (busy != 0 && logFrames < 0) {
          return CKPT_BUSY;
        }
        return busy == 0 && logFrames == done ? logFrames : -1;
      }
      return -1;
    } catch (SQLException e) {
      log.debug("litewake [{}]: checkpoint {} failed: {}", name, mode, e.toString());
      return -1;
    } finally {
      if (busyMs >= 0) {
        busyTimeout(c, ReadHold.READ_BUSY_TIMEOUT_MS);
      }
    }
  }

  private void busyTimeout(Connection c, int ms) {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + ms);
    } catch (SQLException e) {
      log.debug("litewake [{}]: busy_timeout: {}", name, e.toString());
    }
  }
}
