package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.WalSegment;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Applies the WAL segments of one generation, in order, to the database file being restored,
 * checking every byte on the way: each WAL index starts with a valid header of the snapshot's
 * page size, segments are contiguous (each starts where the previous one ended), every frame
 * verifies with {@link WalScanner#checkFrame} (salts and cumulative checksum, the verifier
 * replication uses), no frame names page 0, and every segment ends on a commit frame. At the end
 * of each WAL index the file is cut to the size its last commit gives.
 *
 * <p>State: the position (WAL index, offset, running checksum, header of the current WAL index)
 * belongs to the one thread that restores; the class is not thread-safe.
 */
final class WalApplier {
  /** Where the decompressed bytes of a segment come from. */
  interface Source {
    /** Opens the segment's WAL bytes. */
    InputStream open() throws IOException;
  }

  private final String location;
  private final String generation;
  private final int dbPageSize;
  private final FileChannel db;
  private final int[] ck = new int[2];
  private long index;
  private boolean started;
  private Wal.Header header;
  private byte[] frame;
  private long offset;
  private long commitPages = -1;

  /**
   * Creates an applier whose first segment must be at offset 0 of WAL {@code firstIndex}.
   *
   * @param location the replica, for messages
   * @param dbPageSize the page size of the snapshot written to {@code db}
   */
  WalApplier(String location, String generation, long firstIndex, int dbPageSize, FileChannel db) {
    this.location = location;
    this.generation = generation;
    this.index = firstIndex;
    this.dbPageSize = dbPageSize;
    this.db = db;
  }

  /** The WAL index of the last segment applied (the first index before any). */
  long index() {
    return index;
  }

  /** The WAL offset where the last segment applied ended (0 before any). */
  long offset() {
    return offset;
  }

  /**
   * Applies the next segment.
   *
   * @throws io.litewake.ReplicaDamagedException if a segment before it is missing or it is
   *     damaged
   * @throws RestoreOutput.WriteFailed if the database file cannot be written
   */
  void apply(WalSegment w, Source source) throws IOException {
    if (w.index() != index || !started) {
      long expected = started ? index + 1 : index;
      if (w.index() != expected) {
        throw RestoreErrors.missingIndex(location, generation, expected, w.compression());
      }
      finish();
      index = expected;
      offset = 0;
      commitPages = -1;
      started = true;
    }
    if (w.offset() != offset) {
      throw RestoreErrors.missingSegment(location, generation, index, offset, w.key(), w.compression());
    }
    try (InputStream in = source.open()) {
      if (offset == 0) {
        readHeader(w, in);
      }
      applyFrames(w, in);
    } catch (LitewakeException | RestoreOutput.WriteFailed e) {
      throw e;
    } catch (EOFException e) {
      throw RestoreErrors.damaged(location, w.key(), "it is truncated", e);
    } catch (IOException | RuntimeException e) {
      throw RestoreErrors.damaged(location, w.key(), "it cannot be decompressed (" + e.getMessage() + ")", e);
    }
  }

  /** Cuts the file to the size the last commit of the current WAL index gives. */
  void finish() throws IOException {
    if (commitPages > 0) {
      long size = commitPages * header.pageSize();
      if (db.size() > size) {
        db.truncate(size);
      }
    }
  }

  private void readHeader(WalSegment w, InputStream in) throws IOException {
    Wal.Header h = Wal.parseHeader(in.readNBytes(Wal.HEADER_SIZE));
    if (h == null) {
      throw RestoreErrors.damaged(location, w.key(), "its WAL header is invalid", null);
    }
    if (h.pageSize() != dbPageSize) {
      throw RestoreErrors.damaged(location, w.key(),
          "its page size " + h.pageSize() + " differs from the snapshot's " + dbPageSize, null);
    }
    header = h;
    ck[0] = h.ck1();
    ck[1] = h.ck2();
    offset = Wal.HEADER_SIZE;
    if (frame == null || frame.length != h.frameSize()) {
      frame = new byte[h.frameSize()];
    }
  }

  private void applyFrames(WalSegment w, InputStream in) throws IOException {
    int fs = header.frameSize();
    boolean lastWasCommit = false;
    int frames = 0;
    while (true) {
      int n = in.readNBytes(frame, 0, fs);
      if (n == 0) {
        break;
      }
      if (n < fs) {
        throw RestoreErrors.damaged(location, w.key(), "it ends inside a frame", null);
      }
      switch (WalScanner.checkFrame(header, frame, 0, ck)) {
        case OTHER_SALTS -> throw RestoreErrors.damaged(location, w.key(),
            "frame at WAL offset " + offset + " has salts of another WAL", null);
        case BAD_CHECKSUM -> throw RestoreErrors.damaged(location, w.key(),
            "checksum mismatch in frame at WAL offset " + offset, null);
        case VALID -> { }
      }
      long pgno = Integer.toUnsignedLong(Wal.u32(frame, 0));
      if (pgno == 0) {
        throw RestoreErrors.damaged(location, w.key(), "frame at WAL offset " + offset + " names page 0", null);
      }
      RestoreOutput.write(db, ByteBuffer.wrap(frame, Wal.FRAME_HEADER_SIZE, header.pageSize()),
          (pgno - 1) * header.pageSize());
      int commit = Wal.u32(frame, 4);
      lastWasCommit = commit != 0;
      if (lastWasCommit) {
        commitPages = Integer.toUnsignedLong(commit);
      }
      offset += fs;
      frames++;
    }
    if (frames == 0 || !lastWasCommit) {
      throw RestoreErrors.damaged(location, w.key(),
          frames == 0 ? "it holds no frame" : "it does not end on a commit frame", null);
    }
  }
}
