package io.litewake.internal;

import io.litewake.Compression;
import io.litewake.LitewakeException;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaConfigurationException;
import io.litewake.spi.StoredObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Downloads the objects of a restore ahead of the thread that applies them. WAL segments download
 * in plan order on {@code parallelism} threads: small ones (at most {@link #SMALL_OBJECT} stored
 * bytes) into memory as stored, within the memory budget ({@link #MEMORY_BUDGET}),
 * larger ones to temporary files in a work directory beside the target. The snapshot is read as
 * one stream ({@link #stream}) or, after a stream broke off, downloaded to a file ({@link
 * #download}).
 *
 * <p>State: the window of downloads in flight and the position in the plan belong to the one
 * thread that reads the WAL segments ({@link #next()}; {@link WalMerger}'s); the snapshot thread
 * calls only {@link #stream} and {@link #download}, which touch neither, and {@link #close()} runs
 * once both are done. Download threads share only the memory budget (a {@link Semaphore}) and fill
 * the {@link Fetched} they return, which the reading thread reads after {@link Future#get()}.
 */
final class RestoreFetcher implements AutoCloseable {
  /**
   * WAL segments stored in at most this many bytes are downloaded into memory and decompressed by
   * the merge thread as it reads them; larger ones go through a temporary file, like snapshots. (Litestream's
   * segments of a busy database are 1-4 MB: through memory, they cost no write and read-back.)
   */
  static final int SMALL_OBJECT = 8 << 20;
  /**
   * Bytes of small objects (compressed, as stored) held in memory at once, whatever the database
   * size; the merge thread decompresses them as it reads them.
   */
  static final int MEMORY_BUDGET = 32 << 20;
  /** Downloads queued ahead of the apply thread at most. */
  static final int MAX_WINDOW = 4096;

  private final Replica replica;
  private final ObjectDecoder decoder;
  private final Path target;
  private final List<WalSegment> segments;
  private final ExecutorService pool;
  private final Path work;
  private final int ahead;
  private final Semaphore budget = new Semaphore(MEMORY_BUDGET);
  private final Buffers buffers = new Buffers();
  private final Deque<Future<Fetched>> window = new ArrayDeque<>();
  /** The next segment to submit. */
  private int submitted;
  /** The next segment {@link #next()} returns. */
  private int taken;

  /**
   * Creates the work directory beside {@code target} and starts the first downloads.
   *
   * @param segments the WAL segments, in the order {@link #next()} returns them
   */
  RestoreFetcher(Replica replica, Path target, List<WalSegment> segments, int parallelism, ObjectDecoder decoder)
      throws IOException {
    this.replica = replica;
    this.decoder = decoder;
    this.target = target;
    this.segments = List.copyOf(segments);
    String name = target.getFileName().toString();
    this.work = Files.createTempDirectory(target.getParent(), "." + name + ".litewake-dl-");
    this.pool = Executors.newFixedThreadPool(parallelism, runnable -> {
      Thread t = new Thread(runnable, "litewake-restore-" + name);
      t.setDaemon(true);
      return t;
    });
    this.ahead = Math.max(2, parallelism * 2);
    refill();
  }

  /**
   * Opens the snapshot for one streaming read.
   *
   * @return the compressed bytes; a failure of the download itself, now or while reading, is a
   *     {@link SourceFailed}
   * @throws io.litewake.ReplicaDamagedException if the object is missing
   */
  InputStream stream(Snapshot s) throws IOException {
    try {
      return new SourceStream(replica.open(stored(s)));
    } catch (NoSuchFileException e) {
      throw RestoreErrors.missing(replica.location(), s.key(), e);
    } catch (IOException e) {
      if (ReplicaConfigurationException.isPermanent(e)) {
        throw unreadable(e); // an archived object, access denied: a second try cannot help
      }
      throw new SourceFailed(e);
    }
  }

  /** A store error retrying cannot fix (an archived object, access denied): its message says what to do. */
  private LitewakeException unreadable(Throwable e) {
    return new LitewakeException("cannot restore from " + replica.location() + ": " + e.getMessage(), e);
  }

  /**
   * Downloads the snapshot to a file (the replica's retried download) and opens it.
   *
   * @return the compressed bytes; closing the stream deletes the file
   */
  InputStream download(Snapshot s) throws IOException {
    Path file = await(pool.submit(() -> fetch(stored(s))), s.key());
    return new FilterInputStream(Files.newInputStream(file)) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          Files.deleteIfExists(file);
        }
      }
    };
  }

  /**
   * Waits for the next WAL segment of the plan and keeps the downloads ahead of it.
   *
   * @return the segment's content; close it once applied
   */
  Fetched next() throws IOException {
    WalSegment w = segments.get(taken++);
    refill();
    Fetched f = await(window.poll(), w.key());
    refill();
    return f;
  }

  /** The work directory beside the target (removed by {@link #close()}). */
  Path workDir() {
    return work;
  }

  /** Stops the downloads and deletes the work directory. */
  @Override
  public void close() throws IOException {
    pool.shutdownNow();
    try (var files = Files.list(work)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(work);
  }

  /**
   * Starts downloads: small segments until the memory budget is used up (bounded by memory, not
   * by count, so that they all download while the snapshot does), segments that need a
   * temporary file while fewer than {@code ahead} downloads are queued. It never blocks: when the
   * budget is exhausted it waits for the segments in flight to be applied; with nothing in
   * flight, the whole budget is free.
   */
  private void refill() {
    while (submitted < segments.size() && window.size() < MAX_WINDOW) {
      WalSegment w = segments.get(submitted);
      int held = w.size() <= SMALL_OBJECT ? Buffers.capacity((int) Math.max(1, w.size())) : 1;
      if (w.size() <= SMALL_OBJECT && budget.tryAcquire(held)) {
        window.add(pool.submit(() -> fetchSmall(w, held)));
      } else if (window.isEmpty() || (window.size() < ahead && w.size() > SMALL_OBJECT)) {
        window.add(pool.submit(() -> new Fetched(budget, buffers, decoder, w, fetch(stored(w)))));
      } else {
        break;
      }
      submitted++;
    }
  }

  /**
   * Downloads a small segment into memory, compressed (one array of its listed size): the merge
   * thread decompresses it as it reads it, so no decompressed copy is ever held.
   */
  private Fetched fetchSmall(WalSegment w, int held) throws IOException {
    Fetched f = new Fetched(budget, buffers, decoder, w, null);
    f.permits = held;
    try {
      int size = (int) w.size();
      byte[] raw = buffers.take(size);
      f.raw = raw;
      int n;
      try (InputStream in = replica.open(stored(w))) { // listed, with its size: a paced replica schedules it
        n = in.readNBytes(raw, 0, size);
        if (n == size && in.read() >= 0) {
          throw new IOException("download of " + w.key() + " is longer than the " + w.size() + " bytes listed");
        }
      }
      if (n < w.size()) {
        throw new IOException("download of " + w.key() + " is truncated: got " + n + " of " + w.size() + " bytes");
      }
      f.rawLength = n;
      return f;
    } catch (Throwable t) {
      f.close();
      throw t;
    }
  }

  private Path fetch(StoredObject o) throws IOException {
    Path f = Files.createTempFile(work, "obj", ".part");
    replica.download(o, f);
    return f;
  }

  private static StoredObject stored(Snapshot s) {
    return new StoredObject(s.key(), s.size(), s.createdAt());
  }

  private static StoredObject stored(WalSegment w) {
    return new StoredObject(w.key(), w.size(), w.createdAt());
  }

  private <T> T await(Future<T> f, String key) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LitewakeException("restore of " + target + " interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof NoSuchFileException) {
        throw RestoreErrors.missing(replica.location(), key, c);
      }
      if (ReplicaConfigurationException.isPermanent(c)) {
        throw unreadable(c);
      }
      throw new LitewakeException("cannot restore from " + replica.location() + ": download of " + key
          + " failed: " + c.getMessage(), c);
    }
  }

  /**
   * A downloaded WAL segment: a file, or its stored (compressed, maybe encrypted) bytes. Closing it
   * releases its share of the memory budget and deletes its file.
   */
  static final class Fetched implements AutoCloseable {
    private final Semaphore budget;
    private final ObjectDecoder decoder;
    private final WalSegment segment;
    private final Path file;
    private byte[] raw;
    private int rawLength;
    /** Permits of the memory budget held until the segment is applied. */
    private int permits;

    private final Buffers buffers;

    private Fetched(Semaphore budget, Buffers buffers, ObjectDecoder decoder, WalSegment segment, Path file) {
      this.budget = budget;
      this.buffers = buffers;
      this.decoder = decoder;
      this.segment = segment;
      this.file = file;
    }

    /**
     * The decrypted, decompressed content, as the WAL applier reads it.
     *
     * @param sink the reading thread's buffer for LZ4 segments decoded whole (reused segment after
     *     segment; it refuses to grow past its limit, and the segment is then decoded streaming)
     */
    WalApplier.Source source(Lz4Frames.Sink sink) {
      return () -> open(sink);
    }

    /** The decrypted, decompressed content. */
    InputStream open(Lz4Frames.Sink sink) throws IOException {
      Compression c = segment.compression();
      if (raw != null) {
        if (ObjectDecoder.isEncrypted(raw, rawLength)) {
          return new BufferedInputStream(decoder.open(segment.key(), c, new ByteArrayInputStream(raw, 0, rawLength)),
              1 << 18);
        }
        if (c == Compression.LZ4 && sink != null) {
          sink.len = 0;
          try {
            Lz4Frames.decode(raw, 0, rawLength, sink);
            return new ByteArrayInputStream(sink.buf, 0, sink.len);
          } catch (Lz4Frames.Unsupported | OverBudget e) {
            // dependent blocks, or larger than the sink may grow: decoded streaming below
          }
        }
        // buffered: the applier reads frame by frame, the decoder (one JNI call a read) in large blocks
        return new BufferedInputStream(Codecs.decompress(c, new ByteArrayInputStream(raw, 0, rawLength)), 1 << 18);
      }
      return new BufferedInputStream(decoder.open(segment.key(), c, Files.newInputStream(file)), 1 << 18);
    }

    @Override
    public void close() throws IOException {
      if (raw != null) {
        buffers.give(raw);
        raw = null;
      }
      budget.release(permits);
      permits = 0;
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** A reusable LZ4 output buffer that refuses to grow past {@code limit} bytes. */
  static Lz4Frames.Sink sink(int limit) {
    return new Lz4Frames.Sink(1 << 20) {
      @Override
      void reserve(int bytes) throws IOException {
        if ((long) buf.length + bytes > limit) {
          throw new OverBudget();
        }
      }
    };
  }

  private static final class OverBudget extends IOException {
    OverBudget() {
      super("over the memory limit of a decoded segment");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /** A failure of the download itself while streaming, as opposed to damaged content. */
  static final class SourceFailed extends IOException {
    SourceFailed(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Marks failures of the underlying stream, so that they are not taken for damage. */
  private static final class SourceStream extends FilterInputStream {
    SourceStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw new SourceFailed(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw new SourceFailed(e);
      }
    }
  }

  /**
   * Reused arrays for compressed segments, by power-of-two capacity: a restore of a hundred
   * segments allocates a few large arrays instead of a hundred (each a humongous object for G1 in
   * a small heap). Arrays in use are bounded by the memory budget, whose permits count capacity;
   * arrays kept for reuse by {@link #KEPT} bytes.
   */
  static final class Buffers {
    static final int KEPT = 8 << 20;
    private final java.util.concurrent.ConcurrentLinkedDeque<byte[]> free = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicLong keptBytes = new java.util.concurrent.atomic.AtomicLong();

    /** The capacity class of {@code size} bytes: the next power of two, at least 64 KiB. */
    static int capacity(int size) {
      return Math.max(1 << 16, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
    }

    byte[] take(int size) {
      int cap = capacity(size);
      for (java.util.Iterator<byte[]> it = free.iterator(); it.hasNext(); ) {
        byte[] b = it.next();
        if (b.length == cap && free.removeFirstOccurrence(b)) {
          keptBytes.addAndGet(-cap);
          return b;
        }
      }
      return new byte[cap];
    }

    void give(byte[] b) {
      if (keptBytes.addAndGet(b.length) <= KEPT) {
        free.push(b);
      } else {
        keptBytes.addAndGet(-b.length);
      }
    }
  }
}
