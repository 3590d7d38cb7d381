package io.litewake.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;

/**
 * Copies committed WAL frames past the shipped position into the spool, one verified segment per
 * pass, and keeps the saved state in step with the spool. Detects a WAL that was restarted,
 * truncated, removed or replaced, and either continues with the next WAL index (when the
 * {@link ReadHold} proves continuity) or starts a new generation. Owned by the database's pass
 * strand ({@link Shipping}): every field is touched by that strand only.
 */
final class WalShipper {
  private final Path walPath;
  private final String name;
  private final Logger log;
  private final Spool spool;
  private final String location;
  private final HistoryState state;
  private final ReadHold hold;
  private final ObjectEncoder encoder;
  private final Clock clock;
  private final Generations generations;
  /** Called after spooled objects became durable (wakes the uploaders). */
  private final Runnable spooled;
  private Object walIdentity;
  /** When the WAL was last looked at: commits in the next segment are younger than this. */
  private Instant lastLook;
  private boolean stateDirty;
  /**
   * While true, spooled segments are neither fsynced nor recorded in the state: set only for the
   * copy made under the application's write lock, whose fsyncs would stop its writers.
   */
  private boolean deferDurability;
  /** Entries spooled while {@link #deferDurability}, fsynced by the next {@link #saveState}. */
  private final List<Spool.Entry> notDurable = new ArrayList<>();
  /** Drops the pending WAL of replicas past the spool limit; true if it dropped any. */
  private final java.util.function.BooleanSupplier spoolLimit;

  WalShipper(Path db, String name, Logger log, Spool spool, String location, HistoryState state, ReadHold hold,
      ObjectEncoder encoder, Clock clock, Generations generations, Runnable spooled,
      java.util.function.BooleanSupplier spoolLimit) {
    this.walPath = Path.of(db + "-wal");
    this.name = name;
    this.log = log;
    this.spool = spool;
    this.location = location;
    this.state = state;
    this.hold = hold;
    this.encoder = encoder;
    this.clock = clock;
    this.generations = generations;
    this.spooled = spooled;
    this.spoolLimit = spoolLimit;
    this.lastLook = Instant.now();
  }

  /** Forgets the WAL file's identity (the database file was replaced). */
  void forgetWal() {
    walIdentity = null;
  }

  /**
   * Copies committed frames past the position into the spool; returns true if any. When the WAL
   * header is still the same after the copy, the ship was complete: the hold may move on, and a
   * hold that began before it now proves continuity.
   */
  boolean ship() throws IOException {
    long heldBy = hold.holdId(); // continuity needs one read transaction held across the whole ship
    byte[] before = ReadHold.readWalHeader(walPath);
    Instant look = Instant.now();
    boolean shipped = shipOnce();
    byte[] after = ReadHold.readWalHeader(walPath);
    lastLook = look;
    if (heldBy >= 0 && hold.holdId() == heldBy && Arrays.equals(before, after) && hold.shipCompleted()) {
      log.debug("litewake [{}]: continuity established at index {} offset {}", name, state.index, state.offset);
    }
    return shipped;
  }

  /** {@link #ship()} without fsyncs and without saving the state (under the application's write lock). */
  void shipDeferred() throws IOException {
    deferDurability = true;
    try {
      ship();
    } finally {
      deferDurability = false;
    }
  }

  private boolean shipOnce() throws IOException {
    Object walId = DbFiles.identity(walPath);
    if (walIdentity != null && state.offset > 0 && !walIdentity.equals(walId)) {
      // our connections keep the WAL file alive: only someone else can remove or replace it
      walIdentity = walId;
      if (walId == null) {
        generations.start("WAL file removed by another process");
        return true;
      }
      generations.start("WAL file replaced by another process");
    }
    walIdentity = walId;
    try (FileChannel wal = ReadHold.openWal(walPath)) {
      if (wal == null) {
        return false;
      }
      long size = wal.size();
      if (size < Wal.HEADER_SIZE) {
        if (state.offset > 0 && !hold.continuous()) {
          // truncated by someone while no hold proved that everything was copied first
          generations.start("WAL truncated while continuity could not be proven");
        }
        return false;
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      Wal.Header h = ReadHold.readHeader(wal, hb);
      if (h == null) {
        return false; // being written, or not a WAL life with frames yet
      }
      if (state.header != null && state.offset > 0 && !h.sameSalts(state.header)) {
        // the WAL was restarted or truncated and rewritten
        if (!hold.continuous()) {
          generations.start("WAL restarted while continuity could not be proven");
        } else {
          log.debug("litewake [{}]: WAL restarted; index {} -> {}", name, state.index, state.index + 1);
          state.nextWal();
        }
      }
      if (state.offset == 0) {
        return spoolSegment(wal, h, hb, Wal.HEADER_SIZE, h.ck1(), h.ck2());
      }
      if (size < state.offset) {
        // same salts but shorter than what was shipped: cannot be a continuation
        generations.start("WAL truncated below the replicated position");
        return shipOnce();
      }
      if (size < state.offset + h.frameSize()) {
        return false; // not a single new frame
      }
      return spoolSegment(wal, h, hb, state.offset, state.ck1, state.ck2);
    }
  }

  /**
   * Copies the committed frames from {@code from} into a new spool entry in one pass (read,
   * verify, compress); returns false, with no file left behind, when there was no commit.
   */
  private boolean spoolSegment(FileChannel wal, Wal.Header h, byte[] hb, long from, int c1, int c2)
      throws IOException {
    long keyOffset = from == Wal.HEADER_SIZE && state.offset == 0 ? 0 : from;
    SegmentFile seg = new SegmentFile(keyOffset == 0 ? hb : null, Codecs.walLevel(wal.size() - from));
    WalScanner.Scan s;
    try (seg) {
      s = WalScanner.copyCommitted(wal, h, from, c1, c2, seg);
    } catch (IOException | RuntimeException e) {
      seg.delete();
      throw e;
    }
    if (s.end() <= from) {
      seg.delete();
      return false;
    }
    String key = Layout.walKey(state.generation, state.index, keyOffset, encoder.compression());
    Spool.Entry added = spool.add(key, seg.file, !deferDurability, lastLook,
        new io.litewake.Position(state.generation, state.index, s.end()), state.generationStart);
    if (deferDurability) {
      notDurable.add(added);
    }
    if (state.generationStart) {
      state.generationStart = false; // the WAL as it was at the snapshot: part of the baseline
    } else {
      state.walBytesSinceSnapshot += added.size();
      state.walObjectsSinceSnapshot++;
    }
    if (keyOffset == 0) {
      state.header = h;
      state.headerBytes = hb;
    }
    state.walComplete = false; // frames were added after the point recorded as complete
    state.offset = s.end();
    state.ck1 = s.ck1();
    state.ck2 = s.ck2();
    if (deferDurability) {
      stateDirty = true; // saved right after the write lock is released
    } else {
      saveState();
    }
    log.debug("litewake [{}]: spooled {} ({} bytes of WAL)", name, key, s.end() - keyOffset);
    if (spoolLimit.getAsBoolean()) {
      // a replica has been unreachable long enough for its pending WAL to pass the limit: its
      // pending history was dropped; a new generation from a snapshot brings the latest state to
      // it when it is back (only its point-in-time history of the outage is lost)
      generations.start("spool limit reached during a store outage");
    }
    return true;
  }

  /** Saves the state if a save is owed (a deferred copy, or a failed save). */
  void saveStateIfDirty() throws IOException {
    if (stateDirty) {
      saveState();
    }
  }

  /** fsyncs what a deferred copy spooled, then records the state durably. */
  void saveState() throws IOException {
    long seq = spool.lastSeq();
    stateDirty = true; // until saved: retried at the next pass (a full disk, say)
    if (!notDurable.isEmpty()) {
      try {
        spool.makeDurable(notDurable); // the objects before the state that records them
      } catch (IOException e) {
        // not retried on the same files (a second fsync may report success for data already
        // lost); the WAL they came from may be restarted by now: start over from a snapshot
        for (Spool.Entry lost : notDurable) {
          try {
            spool.remove(lost);
          } catch (IOException ignored) {
            // unrecorded: dropped at the next start in any case
          }
        }
        notDurable.clear();
        generations.start("the spooled WAL could not be fsynced: " + e.getMessage());
        throw e;
      }
      notDurable.clear();
    }
    spool.saveState(state.toProperties(location, seq));
    stateDirty = false;
    spool.durableThrough(seq); // the uploaders may now send everything up to here
    spooled.run();
  }

  /** A compressed spool file created on the first byte written to it (none for no commit). */
  private final class SegmentFile extends OutputStream {
    private final byte[] walHeader;
    private final int level;
    Path file;
    private OutputStream out;
    private boolean closed;

    SegmentFile(byte[] walHeader, int level) {
      this.walHeader = walHeader;
      this.level = level;
    }

    private OutputStream out() throws IOException {
      if (out == null) {
        file = spool.newTempFile();
        out = encoder.open(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), level);
        if (walHeader != null) {
          out.write(walHeader);
        }
      }
      return out;
    }

    @Override
    public void write(int b) throws IOException {
      out().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out().write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (out != null && !closed) {
        closed = true;
        out.close();
      }
    }

    void delete() throws IOException {
      if (file != null) {
        try {
          close();
        } catch (IOException e) {
          log.debug("litewake [{}]: closing a discarded segment: {}", name, e.toString());
        }
        Files.deleteIfExists(file);
      }
    }
  }
}
