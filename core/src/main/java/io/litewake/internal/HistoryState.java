package io.litewake.internal;

import io.litewake.Position;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Where the replicated history of one database stands: the generation, the WAL index and the
 * byte offset shipped so far with the WAL header and the cumulative checksum at that offset, and
 * when and where the last snapshot was taken. Owned by the database's pass strand
 * ({@link Shipping}); no other thread reads or writes it. Other threads see the
 * {@link Position} that the strand publishes.
 */
final class HistoryState {
  String generation;
  long index;
  long offset;
  Wal.Header header;
  byte[] headerBytes;
  int ck1;
  int ck2;
  Instant lastSnapshotAt = Instant.EPOCH;
  long snapIndex = -1;
  long snapOffset = -1;
  /** WAL bytes spooled (compressed) since the last snapshot: a snapshot is due past a multiple of the database. */
  long walBytesSinceSnapshot;
  /** WAL segments spooled since the last snapshot: a snapshot is due past a count. */
  long walObjectsSinceSnapshot;
  /** True until the first WAL segment of a new generation is spooled (part of its baseline). */
  boolean generationStart;
  /** True while a new generation waits for its snapshot. */
  boolean pendingSnapshot;
  /**
   * True when the WAL life at {@link #header} was shipped to {@link #offset}, its end, backfilled
   * in full, with the hold on read mark 0: the application's next commit restarts it, and a WAL
   * found restarted exactly once since (checkpoint sequence + 1) continues at the next index.
   */
  boolean walComplete;
  /** How spooled objects are encrypted ({@link AgeRecipients#fingerprint()}); set once at start. */
  String encryption = AgeRecipients.NONE.fingerprint();

  /** Starts a new history at index 0 of {@code id}; the snapshot it needs is pending. */
  void startGeneration(String id) {
    walComplete = false;
    generation = id;
    index = 0;
    offset = 0;
    header = null;
    headerBytes = null;
    generationStart = true;
    // the spool-limit count starts over: left as it was, the first segment of the new generation
    // would trip the limit again and drop its own baseline before the snapshot was written
    walBytesSinceSnapshot = 0;
    walObjectsSinceSnapshot = 0;
    pendingSnapshot = true;
  }

  /** The WAL restarted under a continuous hold: the history goes on with the next index. */
  void nextWal() {
    walComplete = false;
    index++;
    offset = 0;
    header = null;
    headerBytes = null;
  }

  /** The shipped WAL frame count of the current WAL, or 0 before its first frame. */
  long frames() {
    return header == null || offset <= Wal.HEADER_SIZE ? 0 : (offset - Wal.HEADER_SIZE) / header.frameSize();
  }

  /** The public position, or null before the first generation. */
  Position position() {
    return generation == null ? null : new Position(generation, index, offset);
  }

  /** The state as saved in the spool. */
  Properties toProperties(String location, long spoolSeq) {
    Properties p = new Properties();
    p.setProperty("location", location);
    p.setProperty("generation", generation);
    p.setProperty("index", Long.toString(index));
    p.setProperty("offset", Long.toString(offset));
    p.setProperty("header", headerBytes == null ? "" : HexFormat.of().formatHex(headerBytes));
    p.setProperty("ck1", Integer.toUnsignedString(ck1));
    p.setProperty("ck2", Integer.toUnsignedString(ck2));
    p.setProperty("snapshotAt", Long.toString(lastSnapshotAt.toEpochMilli()));
    p.setProperty("snapshotIndex", Long.toString(snapIndex));
    p.setProperty("snapshotOffset", Long.toString(snapOffset));
    p.setProperty("walBytesSinceSnapshot", Long.toString(walBytesSinceSnapshot));
    p.setProperty("walObjectsSinceSnapshot", Long.toString(walObjectsSinceSnapshot));
    p.setProperty("spoolSeq", Long.toString(spoolSeq));
    p.setProperty("walComplete", Boolean.toString(walComplete));
    p.setProperty("encryption", encryption);
    return p;
  }

  /** Takes the snapshot markers from a saved state. */
  void loadSnapshotMarkers(Properties st) {
    lastSnapshotAt = Instant.ofEpochMilli(Long.parseLong(st.getProperty("snapshotAt", "0")));
    snapIndex = Long.parseLong(st.getProperty("snapshotIndex", "-1"));
    snapOffset = Long.parseLong(st.getProperty("snapshotOffset", "-1"));
    walBytesSinceSnapshot = Long.parseLong(st.getProperty("walBytesSinceSnapshot", "0"));
    walObjectsSinceSnapshot = Long.parseLong(st.getProperty("walObjectsSinceSnapshot", "0"));
  }
}
