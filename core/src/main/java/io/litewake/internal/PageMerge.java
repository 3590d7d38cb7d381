package io.litewake.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The last committed version of every page that the WAL segments of a restore write, kept until
 * the snapshot is in place and then written over it once, in page order, with large positioned
 * writes: a page rewritten in a hundred segments costs one write, not a hundred.
 *
 * <p>Pages are held in slots of one page each: the first ones in an off-heap arena of a fixed
 * size, the others in a spill file, so memory stays bounded whatever the database size (the heap
 * holds only the index, two ints per distinct page, and the slots of the transaction being read).
 * Frames are staged until their transaction's commit frame: a transaction that never commits is
 * never applied. At the end of each WAL index the pages past that index's last commit are dropped
 * (as SQLite's checkpoint truncates the database to the commit's size).
 *
 * <p>State: everything belongs to the one thread that reads the WAL segments ({@link
 * WalApplier}'s); {@link #writeTo} runs on it too, once the snapshot is written. Not thread-safe.
 */
final class PageMerge implements AutoCloseable {
  /** Default size of the off-heap arena: pages beyond it go to the spill file. */
  static final int DEFAULT_MEMORY = 32 << 20;
  /** Bytes gathered per write of consecutive pages into the database. */
  private static final int WRITE_BATCH = 1 << 20;
  /** Bytes of arena allocated at a time. */
  private static final int CHUNK = 1 << 20;

  private final int pageSize;
  private final Path spillDir;
  /** The arena, allocated a chunk at a time as slots are first used. */
  private final ByteBuffer[] chunks;
  private final int slotsPerChunk;
  private final int memSlots;
  /** page -> slot of its last committed version. */
  private final IntIntMap index = new IntIntMap();
  private int[] freeSlots = new int[64];
  private int freeCount;
  private int nextSlot;
  /** (page, slot) pairs of the transaction being read, in frame order. */
  private int[] staged = new int[64];
  private int stagedCount;
  private FileChannel spill;
  private Path spillFile;
  /** The largest page in the index (an upper bound: removals do not lower it). */
  private int maxPage;
  /** The database size in pages at the last commit, or -1 before any. */
  private long commitPages = -1;
  /** The smallest database size at the end of a WAL index: snapshot pages past it were cut. */
  private long floorPages = Long.MAX_VALUE;
  /** The database size at the end of the last WAL index, or -1 if none ended. */
  private long finalPages = -1;

  /**
   * Creates an empty merge.
   *
   * @param pageSize the database page size
   * @param spillDir where the spill file goes, if it is needed
   * @param memoryBytes the size of the off-heap arena
   */
  PageMerge(int pageSize, Path spillDir, int memoryBytes) {
    this.pageSize = pageSize;
    this.spillDir = spillDir;
    this.slotsPerChunk = Math.max(1, Math.min(CHUNK, memoryBytes) / pageSize);
    int wanted = Math.max(1, memoryBytes / pageSize);
    this.chunks = new ByteBuffer[(wanted + slotsPerChunk - 1) / slotsPerChunk];
    this.memSlots = chunks.length * slotsPerChunk;
  }

  int pageSize() {
    return pageSize;
  }

  /** Distinct pages held (for logs and tests). */
  int pages() {
    return index.size();
  }

  /** Slots in the spill file so far (for logs and tests). */
  long spilledSlots() {
    return Math.max(0, nextSlot - memSlots);
  }

  /** Stages one page of the transaction being read: {@code pageSize} bytes of {@code src} at {@code off}. */
  void frame(int pgno, byte[] src, int off) throws IOException {
    int slot = freeCount > 0 ? freeSlots[--freeCount] : nextSlot++;
    if (slot < memSlots) {
      ByteBuffer chunk = chunks[slot / slotsPerChunk];
      if (chunk == null) {
        chunk = chunks[slot / slotsPerChunk] = ByteBuffer.allocateDirect(slotsPerChunk * pageSize);
      }
      chunk.put(slot % slotsPerChunk * pageSize, src, off, pageSize);
    } else {
      ByteBuffer b = ByteBuffer.wrap(src, off, pageSize);
      long pos = (long) (slot - memSlots) * pageSize;
      while (b.hasRemaining()) {
        pos += spill().write(b, pos);
      }
    }
    if (stagedCount + 2 > staged.length) {
      staged = Arrays.copyOf(staged, staged.length * 2);
    }
    staged[stagedCount++] = pgno;
    staged[stagedCount++] = slot;
  }

  /** The transaction being read committed: its pages become the last committed versions. */
  void commit(long dbPages) {
    for (int i = 0; i < stagedCount; i += 2) {
      int pgno = staged[i];
      int old = index.put(pgno, staged[i + 1]);
      if (old >= 0) {
        free(old);
      }
      if (pgno > maxPage) {
        maxPage = pgno;
      }
    }
    stagedCount = 0;
    commitPages = dbPages;
  }

  /** Drops the frames read since the last commit (a transaction that never committed). */
  void discardUncommitted() {
    for (int i = 0; i < stagedCount; i += 2) {
      free(staged[i + 1]);
    }
    stagedCount = 0;
  }

  /**
   * The current WAL index ended: uncommitted frames are dropped, and so are pages past its last
   * commit's database size, from the WAL and from the snapshot alike.
   */
  void endWal() {
    discardUncommitted();
    if (commitPages < 0) {
      return;
    }
    if (maxPage > commitPages) {
      int[] keys = index.keys();
      for (int k : keys) {
        if (k > commitPages) {
          free(index.remove(k));
        }
      }
      maxPage = (int) Math.min(maxPage, commitPages);
    }
    floorPages = Math.min(floorPages, commitPages);
    finalPages = commitPages;
    commitPages = -1;
  }

  /**
   * Writes the merged pages over the database that holds the snapshot, in page order, and gives
   * the file the size of the last WAL index's last commit (never larger than what was written, as
   * a sequential replay would).
   *
   * @param db the database file, holding the snapshot
   * @throws RestoreOutput.WriteFailed if the file cannot be written
   */
  void writeTo(FileChannel db) throws IOException {
    endWal();
    if (finalPages < 0) {
      return;
    }
    try {
      long cut = floorPages * pageSize;
      if (db.size() > cut) {
        db.truncate(cut); // snapshot pages a WAL index cut away: zeros unless a later frame writes them
      }
    } catch (IOException e) {
      throw new RestoreOutput.WriteFailed(e);
    }
    int[] pages = index.keys();
    Arrays.sort(pages);
    ByteBuffer batch = ByteBuffer.allocateDirect(Math.max(pageSize, WRITE_BATCH / pageSize * pageSize));
    long batchStart = -1;
    for (int pgno : pages) {
      long pos = (long) (pgno - 1) * pageSize;
      if (batchStart >= 0 && (pos != batchStart + batch.position() || !batch.hasRemaining())) {
        flush(db, batch, batchStart);
        batchStart = -1;
      }
      if (batchStart < 0) {
        batchStart = pos;
      }
      readSlot(index.get(pgno), batch);
    }
    if (batchStart >= 0) {
      flush(db, batch, batchStart);
    }
    try {
      long size = finalPages * pageSize;
      if (db.size() > size) {
        db.truncate(size);
      }
    } catch (IOException e) {
      throw new RestoreOutput.WriteFailed(e);
    }
  }

  private void readSlot(int slot, ByteBuffer into) throws IOException {
    if (slot < memSlots) {
      into.put(chunks[slot / slotsPerChunk].slice(slot % slotsPerChunk * pageSize, pageSize));
    } else {
      int end = into.position() + pageSize;
      ByteBuffer view = into.duplicate().limit(end);
      long pos = (long) (slot - memSlots) * pageSize;
      while (view.hasRemaining()) {
        int n = spill.read(view, pos + (view.position() - into.position()));
        if (n < 0) {
          throw new IOException("spill file of the restore ended early");
        }
      }
      into.position(end);
    }
  }

  private static void flush(FileChannel db, ByteBuffer batch, long at) throws IOException {
    batch.flip();
    RestoreOutput.write(db, batch, at);
    batch.clear();
  }

  private void free(int slot) {
    if (freeCount == freeSlots.length) {
      freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
    }
    freeSlots[freeCount++] = slot;
  }

  private FileChannel spill() throws IOException {
    if (spill == null) {
      spillFile = Files.createTempFile(spillDir, "pages", ".spill");
      spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    return spill;
  }

  /** Deletes the spill file. */
  @Override
  public void close() throws IOException {
    if (spill != null) {
      spill.close();
      Files.deleteIfExists(spillFile);
      spill = null;
    }
  }

  /** An open-addressing map of positive int keys to non-negative int values. */
  static final class IntIntMap {
    private int[] keys = new int[1024];
    private int[] values = new int[1024];
    private int size;

    int size() {
      return size;
    }

    /** The value of {@code key}, or -1. */
    int get(int key) {
      int mask = keys.length - 1;
      for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
        int k = keys[i];
        if (k == key) {
          return values[i];
        }
        if (k == 0) {
          return -1;
        }
      }
    }

    /** Sets {@code key} to {@code value}; returns the previous value or -1. */
    int put(int key, int value) {
      if ((size + 1) * 4 > keys.length * 3) {
        grow();
      }
      int mask = keys.length - 1;
      for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
        int k = keys[i];
        if (k == key) {
          int old = values[i];
          values[i] = value;
          return old;
        }
        if (k == 0) {
          keys[i] = key;
          values[i] = value;
          size++;
          return -1;
        }
      }
    }

    /** Removes {@code key}; returns its value or -1. */
    int remove(int key) {
      int mask = keys.length - 1;
      int i = mix(key) & mask;
      while (keys[i] != key) {
        if (keys[i] == 0) {
          return -1;
        }
        i = (i + 1) & mask;
      }
      int old = values[i];
      // backward-shift deletion keeps every probe sequence unbroken
      int j = i;
      while (true) {
        j = (j + 1) & mask;
        if (keys[j] == 0) {
          break;
        }
        int home = mix(keys[j]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
          keys[i] = keys[j];
          values[i] = values[j];
          i = j;
        }
      }
      keys[i] = 0;
      size--;
      return old;
    }

    /** The keys, in no order. */
    int[] keys() {
      int[] out = new int[size];
      int n = 0;
      for (int k : keys) {
        if (k != 0) {
          out[n++] = k;
        }
      }
      return out;
    }

    private void grow() {
      int[] oldKeys = keys;
      int[] oldValues = values;
      keys = new int[oldKeys.length * 2];
      values = new int[oldKeys.length * 2];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          put(oldKeys[i], oldValues[i]);
        }
      }
    }

    private static int mix(int key) {
      int h = key * 0x9E3779B9;
      return h ^ (h >>> 16);
    }
  }
}
