package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.Position;
import io.litewake.ReplicationListener;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * The local side of one database's replication: its passes (move the hold, ship, snapshot,
 * checkpoint) run one at a time on a strand ({@link SerialExecutor}) over the shared workers.
 * The strand owns the {@link HistoryState}, the {@link ReadHold}, the {@link WalShipper}, the
 * {@link Snapshotter}, the {@link Checkpointer} and the {@link Continuity} check: they are only
 * ever touched by its tasks (and, before the first task, by the thread that starts it). Other
 * threads read the volatile {@link #position()} it publishes after each pass, and request passes.
 */
final class Shipping {
  private final ReplicationEngine.Config cfg;
  private final String name;
  private final Logger log;
  private final Spool spool;
  private final SerialExecutor strand;
  private final HistoryState state = new HistoryState();
  private final ReadHold hold;
  private final Generations generations;
  private final WalShipper shipper;
  private final Snapshotter snapshotter;
  private final Checkpointer checkpointer;
  private final Continuity continuity;
  private final BooleanSupplier fenced;
  private final AtomicBoolean passQueued = new AtomicBoolean();
  private Object dbIdentity;
  /** The id of the generation this start begins, once chosen. */
  private String newGeneration;
  private int failures;
  private volatile boolean closed;
  private volatile boolean inPass;
  private volatile long nextDueNanos;
  private volatile Position position;
  /** The shipped offset and WAL header after the last pass, for the WAL watcher. */
  private volatile long shippedOffset;
  private volatile byte[] shippedHeader;

  Shipping(ReplicationEngine.Config cfg, Logger log, Spool spool, Workers workers, ReplicationListener listener,
      Runnable spooled, BooleanSupplier spoolLimit, BooleanSupplier fenced) {
    this.cfg = cfg;
    this.name = cfg.db().getFileName().toString();
    this.log = log;
    this.spool = spool;
    this.fenced = fenced;
    this.strand = new SerialExecutor(workers.pool());
    state.encryption = cfg.recipients().fingerprint();
    this.hold = new ReadHold(cfg.db(), log, name);
    this.generations = new Generations(state, cfg.clock(), log, name, listener);
    this.continuity = new Continuity(cfg.db(), name, log, spool, cfg.replicas(), state);
    this.shipper = new WalShipper(cfg.db(), name, log, spool, continuity.location(), state, hold,
        new ObjectEncoder(cfg.compression(), cfg.recipients()), cfg.clock(), generations, spooled, spoolLimit);
    this.snapshotter = new Snapshotter(cfg.db(), name, log, spool, state,
        new ObjectEncoder(cfg.compression(), cfg.recipients()), cfg.snapshotInterval(),
        cfg.snapshotWalRatio(), cfg.snapshotWalObjects(), cfg.clock(), listener, cfg.keep().any() || cfg.appendOnly());
    this.checkpointer = new Checkpointer(cfg.db(), name, log, state, hold, shipper, cfg.minCheckpointPages(),
        cfg.maxCheckpointPages(), cfg.syncInterval(), cfg.clock(), workers.releaser());
  }

  /**
   * First step of the start, on the starting thread: opens the connections (before anything
   * else: a last connection closing would checkpoint and delete the WAL, destroying the evidence
   * of continuity) and checks WAL mode. Changes nothing on disk.
   */
  void connect() throws SQLException {
    dbIdentity = DbFiles.identity(cfg.db());
    hold.open();
    checkpointer.open();
    checkWalMode();
  }

  /**
   * Second step of the start, once the spool is open and locked: takes the hold and decides
   * whether the saved state continues.
   *
   * @return why a new generation must start, or null when the saved history continues
   */
  String resume() throws IOException {
    List<Spool.Entry> pending = continuity.dropUnrecorded(spool.pending());
    spool.durableThrough(spool.lastSeq());
    hold.swap();
    if (!hold.held()) {
      throw new IOException("cannot begin a read transaction on " + cfg.db());
    }
    // until one complete ship under this hold, a WAL restart is not proven continuous: the WAL
    // may still hold frames that were checkpointed but never shipped
    hold.broken();
    return continuity.resume(pending);
  }

  /**
   * The generation this start writes: the one the saved state continues ({@code reason} null, after
   * {@link #resume()}), else a new id that {@link #begin} will start.
   */
  String generationFor(String reason) {
    if (reason == null) {
      return state.generation;
    }
    if (newGeneration == null) {
      newGeneration = generations.newId();
    }
    return newGeneration;
  }

  /**
   * Last step of the start: the new generation if needed, then the first ship and the snapshot a
   * new generation starts from, at full speed, before the application writes. (Written by a later
   * pass instead, it held the strand while the application's first commits ran: the hold, taken
   * on an empty WAL at read mark 0, could not move, and every commit past the auto-checkpoint
   * threshold sorted the whole WAL: 0.23x the unreplicated rate for the first 25,000 commits after
   * start() on a 171 MB database, in bench PerfProbe burst.)
   */
  void begin(String reason) throws IOException {
    if (reason != null) {
      generations.start(reason, generationFor(reason));
    }
    nextDueNanos = System.nanoTime() + cfg.syncInterval().toNanos();
    shipAndSnapshot(false);
    publish();
  }

  private void checkWalMode() throws SQLException {
    String mode;
    try (Statement s = hold.any().createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      mode = rs.next() ? rs.getString(1) : "?";
    } catch (SQLException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("NOTADB") || msg.contains("not a database")) {
        throw new LitewakeException("the file is not a SQLite database; check the path", e);
      }
      throw e;
    }
    if (!"wal".equalsIgnoreCase(mode)) {
      throw new LitewakeException("the database is in journal_mode=" + mode.toUpperCase(Locale.ROOT)
          + ", replication needs WAL: run PRAGMA journal_mode=WAL once on it (the setting persists)");
    }
  }

  /** The last position copied into the spool, or null before the first pass. */
  Position position() {
    return position;
  }

  long shippedOffset() {
    return shippedOffset;
  }

  byte[] shippedHeader() {
    return shippedHeader;
  }

  byte[] pinHeader() {
    return hold.pinHeader();
  }

  /** True while a background pass is queued or running: the watcher need not look. */
  boolean busy() {
    return passQueued.get() || inPass;
  }

  /** When the next background pass is due (System.nanoTime()). */
  long nextDueNanos() {
    return nextDueNanos;
  }

  boolean closed() {
    return closed;
  }

  /** Queues a background pass unless one is queued already. */
  void requestPass() {
    if (!closed && passQueued.compareAndSet(false, true)) {
      strand.execute(this::backgroundPass);
    }
  }

  /** Queues a move of the hold off read mark 0 after the application restarted the WAL. */
  void requestRepin(byte[] held) {
    if (!closed) {
      strand.execute(() -> {
        if (!closed) {
          hold.repinAfterRestart(held);
        }
      });
    }
  }

  /** A pass that ships what is committed now, for sync(); completes with the spool sequence to wait for. */
  CompletableFuture<Long> syncPass() {
    return strand.submit(() -> pass(false));
  }

  private void backgroundPass() {
    passQueued.set(false);
    if (closed || fenced.getAsBoolean()) {
      // every replica fenced: nothing we copy would be uploaded (the watcher looks again later)
      nextDueNanos = System.nanoTime() + cfg.syncInterval().toNanos();
      return;
    }
    inPass = true;
    try {
      pass(true);
      failures = 0;
    } catch (IOException | SQLException | RuntimeException e) {
      if (failures++ == 0) {
        log.warn("litewake [{}]: replication pass failed, will retry: {}", name, e.toString(), e);
      } else {
        log.debug("litewake [{}]: replication pass failed again: {}", name, e.toString());
      }
    } finally {
      nextDueNanos = System.nanoTime() + cfg.syncInterval().toNanos();
      inPass = false;
    }
  }

  /** One pass: move the hold if lost, ship, and (in the background only) snapshot and checkpoint. */
  private long pass(boolean background) throws IOException, SQLException {
    if (!hold.opened()) {
      throw new LitewakeException("the replicator of " + cfg.db() + " is closed");
    }
    Object id = DbFiles.identity(cfg.db());
    if (id == null) {
      throw new IOException("database file " + cfg.db() + " was removed");
    }
    if (!id.equals(dbIdentity)) {
      log.warn("litewake [{}]: database file was replaced; starting over on the new file", name);
      hold.close();
      checkpointer.close();
      dbIdentity = id;
      hold.open();
      checkpointer.open();
      hold.swap();
      hold.broken();
      shipper.forgetWal();
      generations.start("database file replaced");
    }
    shipper.saveStateIfDirty();
    if (!hold.held()) {
      hold.swap(); // the hold was lost; otherwise it only moves when needed
    }
    shipAndSnapshot(background);
    if (background) {
      if (snapshotter.due() && (!snapshotter.needsNewIndex() || checkpointer.emptyWalForSnapshot())) {
        snapshotter.write(true); // the application is running: paced
        shipper.saveState();
      }
      checkpointer.afterPass();
    }
    publish();
    return spool.lastSeq();
  }

  /**
   * Ships, and writes the snapshot a new generation is waiting for, under the same hold (paced in
   * background passes, at full speed for {@code sync()} and close).
   */
  private void shipAndSnapshot(boolean paced) throws IOException {
    shipper.ship();
    if (state.pendingSnapshot) {
      shipper.ship(); // a generation started inside the first ship ships its index 0 here
      snapshotter.write(paced);
      state.pendingSnapshot = false;
      shipper.saveState();
    }
  }

  private void publish() {
    shippedOffset = state.offset;
    shippedHeader = state.headerBytes;
    Position p = state.position();
    if (p != null) {
      position = p;
    }
  }

  /**
   * The final pass at close, on the strand: ships what is committed, then takes the write lock so
   * that nothing more can commit and ships the rest; closes the connections (the write lock's
   * last) and records a clean close if that removed the WAL. Past {@code deadline} (a pass queued
   * before it ran long) it only closes the connections. Returns the spool sequence to wait for, or
   * -1 when nothing was shipped.
   */
  CompletableFuture<Long> close(long deadline) {
    closed = true;
    return strand.submit(() -> {
      long target = -1;
      boolean shippedAll = false;
      try {
        if (hold.opened() && deadline - System.nanoTime() > 0) {
          target = pass(false);
          if (deadline - System.nanoTime() > 0 && hold.lockForClose()) {
            shipAndSnapshot(false); // nothing can commit now: this ships everything
            publish();
            target = spool.lastSeq();
            shippedAll = hold.continuous();
          }
        }
      } catch (IOException | SQLException | RuntimeException e) {
        log.warn("litewake [{}]: final replication pass failed: {}", name, e.toString());
      }
      closeConnections();
      if (shippedAll) {
        continuity.recordCleanClose(dbIdentity);
      }
      return target;
    });
  }

  /** Closes the connections of a start that failed (on the starting thread). */
  void closeConnections() {
    closed = true;
    checkpointer.close();
    hold.close();
  }
}
