package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.WalSegment;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/**
 * Reads the WAL segments of one generation, in order, into a {@link PageMerge}, checking every
 * byte on the way: each WAL index starts with a valid header of the snapshot's page size,
 * segments are contiguous (each starts where the previous one ended), every frame verifies with
 * {@link WalScanner#checkFrame} (salts and cumulative checksum, the verifier replication uses), no
 * frame names page 0, and every segment ends on a commit frame. Frames count once their commit
 * frame is read; at the end of each WAL index the pages past its last commit are dropped. {@link
 * #finish()} writes the last committed version of every page into the database, once.
 *
 * <p>State: the position (WAL index, offset, running checksum, header of the current WAL index)
 * and the merge belong to the one thread that reads the segments; the class is not thread-safe.
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
  private final PageMerge merge;
  private final int[] ck = new int[2];
  private long index;
  private boolean started;
  private Wal.Header header;
  private byte[] frame;
  private long offset;

  /**
   * Creates an applier whose first segment must be at offset 0 of WAL {@code firstIndex}, merging
   * in memory and writing into {@code db} at {@link #finish()}.
   *
   * @param location the replica, for messages
   * @param dbPageSize the page size of the snapshot written to {@code db}
   */
  WalApplier(String location, String generation, long firstIndex, int dbPageSize, FileChannel db) {
    this(location, generation, firstIndex, new PageMerge(dbPageSize, tempDir(), PageMerge.DEFAULT_MEMORY), db);
  }

  /**
   * Creates an applier whose first segment must be at offset 0 of WAL {@code firstIndex}, merging
   * into {@code merge}; {@code db} (if not null) receives the pages at {@link #finish()}.
   *
   * @param location the replica, for messages
   * @param merge where the committed pages go; its page size is the snapshot's
   */
  WalApplier(String location, String generation, long firstIndex, PageMerge merge, FileChannel db) {
    this.location = location;
    this.generation = generation;
    this.index = firstIndex;
    this.dbPageSize = merge.pageSize();
    this.merge = merge;
    this.db = db;
  }

  private static java.nio.file.Path tempDir() {
    return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
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
      merge.endWal();
      index = expected;
      offset = 0;
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

  /**
   * Ends the last WAL index and, when the applier was given the database, writes the merged pages
   * into it (in page order) and gives it the size of the last commit.
   *
   * @throws RestoreOutput.WriteFailed if the database file cannot be written
   */
  void finish() throws IOException {
    merge.endWal();
    if (db != null) {
      try {
        merge.writeTo(db);
      } finally {
        merge.close();
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
      int pgno = Wal.u32(frame, 0);
      if (pgno == 0) {
        throw RestoreErrors.damaged(location, w.key(), "frame at WAL offset " + offset + " names page 0", null);
      }
      if (pgno < 0) {
        throw RestoreErrors.damaged(location, w.key(), "frame at WAL offset " + offset + " names page "
            + Integer.toUnsignedLong(pgno) + ", past what a restore supports", null);
      }
      merge.frame(pgno, frame, Wal.FRAME_HEADER_SIZE);
      int commit = Wal.u32(frame, 4);
      lastWasCommit = commit != 0;
      if (lastWasCommit) {
        merge.commit(Integer.toUnsignedLong(commit));
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
