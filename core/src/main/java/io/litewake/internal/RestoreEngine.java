package io.litewake.internal;

import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.LitewakeException;
import io.litewake.ReplicaContents;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a database from a replica: picks a snapshot and the WAL segments after it, downloads
 * them in parallel, checks every byte (WAL header, salts, cumulative checksums, contiguous
 * offsets, commit boundaries) while applying the frames to a temporary file, runs
 * {@code PRAGMA integrity_check}, and only then moves the file into place.
 */
public final class RestoreEngine {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.Restore");

  /** What to restore, validated by the public builder. */
  public record Request(
      Replica replica,
      Path target,
      Instant at,
      String generation,
      Long index,
      boolean ifDatabaseMissing,
      boolean ifReplicaExists,
      boolean overwrite,
      int parallelism,
      boolean integrityCheck,
      long startNanos) {}

  /** What happened. */
  public record Outcome(
      boolean restored,
      String skipReason,
      String generation,
      long snapshotIndex,
      long index,
      long offset,
      Instant pointInTime,
      long databaseBytes,
      int objects,
      long downloadedBytes,
      Duration elapsed) {}

  /** The chosen objects. */
  record Plan(Generation generation, Snapshot snapshot, List<WalSegment> segments) {}

  /**
   * WAL segments stored in at most this many bytes are downloaded into memory and decompressed by
   * the download thread; larger ones go through a temporary file, like snapshots.
   */
  static final int SMALL_OBJECT = 1 << 20;
  /**
   * Bytes of small objects (compressed while downloading, then decompressed) held in memory at
   * once, whatever the database size. A segment that would not fit is applied from its compressed
   * bytes, streaming, on the apply thread.
   */
  static final int MEMORY_BUDGET = 32 << 20;
  /** Downloads queued ahead of the apply thread at most. */
  static final int MAX_WINDOW = 4096;

  private final Request req;
  private final String name;

  /** Creates an engine for one request. */
  public RestoreEngine(Request req) {
    this.req = req;
    this.name = req.target().getFileName().toString();
  }

  /** Lists the replica. */
  public static ReplicaContents list(Replica replica) throws IOException {
    return Layout.parse(replica.location(), replica.list(Layout.GENERATIONS));
  }

  /** Runs the restore. */
  public Outcome run() throws IOException {
    long t0 = req.startNanos();
    Path target = req.target().toAbsolutePath();
    if (Files.exists(target)) {
      if (req.ifDatabaseMissing()) {
        LOG.info("litewake [{}]: {} exists, restore skipped", name, target);
        return skipped("database exists", t0);
      }
      if (!req.overwrite()) {
        throw new LitewakeException("cannot restore to " + target + ": the file exists; call overwrite() to"
            + " replace it, or ifDatabaseMissing() to keep it");
      }
      if (Files.isDirectory(target)) {
        throw new LitewakeException("cannot restore to " + target + ": it is a directory; give a file path");
      }
    }
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new LitewakeException("cannot restore to " + target + ": directory " + dir
          + " does not exist; create it first");
    }
    if (!Files.isWritable(dir)) {
      throw new LitewakeException("cannot restore to " + target + ": directory " + dir
          + " is not writable; fix its permissions or choose another path");
    }
    ReplicaContents contents = list(req.replica());
    LOG.debug("litewake [{}]: listed {} in {} ms", name, req.replica().location(), (System.nanoTime() - t0) / 1_000_000);
    if (contents.isEmpty()) {
      if (req.ifReplicaExists()) {
        LOG.info("litewake [{}]: replica {} is empty, restore skipped", name, req.replica().location());
        return skipped("replica empty", t0);
      }
      throw new LitewakeException("cannot restore " + target + " from " + req.replica().location()
          + ": the replica holds no generation; check the URI, or call ifReplicaExists() to start empty");
    }
    Plan plan = plan(contents);
    Path tmp = dir.resolve("." + target.getFileName() + ".litewake-restore-" + Long.toHexString(System.nanoTime()));
    try {
      Applied applied = download(plan, tmp);
      if (req.integrityCheck()) {
        integrityCheck(tmp);
      }
      Files.deleteIfExists(Path.of(target + "-wal"));
      Files.deleteIfExists(Path.of(target + "-shm"));
      Spool.move(tmp, target);
      Spool.fsyncDir(dir);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      Outcome out = new Outcome(true, null, plan.generation().id(), plan.snapshot().index(), applied.index,
          applied.offset, applied.pointInTime, Files.size(target), applied.objects, applied.downloaded, took);
      LOG.info("litewake [{}]: restored from {} generation {} index {} offset {} ({} bytes, {} objects, {} ms)",
          name, req.replica().location(), out.generation(), out.index(), out.offset(), out.databaseBytes(),
          out.objects(), took.toMillis());
      return out;
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(Path.of(tmp + "-wal"));
      Files.deleteIfExists(Path.of(tmp + "-shm"));
      Files.deleteIfExists(Path.of(tmp + "-journal"));
    }
  }

  private Outcome skipped(String why, long t0) {
    return new Outcome(false, why, null, -1, -1, -1, null, 0, 0, 0, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Chooses the generation, snapshot and segments. */
  Plan plan(ReplicaContents contents) {
    String where = req.replica().location();
    Generation gen;
    if (req.generation() != null) {
      gen = contents.generation(req.generation()).orElseThrow(() -> new LitewakeException(
          "replica " + where + " has no generation " + req.generation() + "; it has "
              + contents.generations().stream().map(Generation::id).toList()));
    } else if (req.at() != null) {
      gen = null;
      Instant best = null;
      for (Generation g : contents.generations()) {
        if (g.snapshots().stream().noneMatch(s -> !s.createdAt().isAfter(req.at()))) {
          continue;
        }
        Instant newest = newestUpTo(g, req.at());
        if (best == null || newest.isAfter(best) || newest.equals(best)) {
          best = newest;
          gen = g;
        }
      }
      if (gen == null) {
        throw new LitewakeException("replica " + where + " holds no snapshot taken at or before " + req.at()
            + "; the oldest state it can restore is from "
            + contents.generations().stream().flatMap(g -> g.snapshots().stream()).map(Snapshot::createdAt)
                .min(Comparator.naturalOrder()).map(Object::toString).orElse("(none)"));
      }
    } else {
      List<Generation> withSnapshot = contents.generations().stream().filter(g -> !g.snapshots().isEmpty()).toList();
      if (withSnapshot.isEmpty()) {
        throw new LitewakeException("replica " + where + " holds no snapshot, so nothing can be restored: "
            + contents.generations().stream().map(g -> Layout.snapshotsPrefix(g.id())).toList()
            + " are empty; the replica is damaged or was written by an incomplete upload");
      }
      gen = withSnapshot.get(withSnapshot.size() - 1);
      Generation newest = contents.latest().orElseThrow();
      if (newest != gen) {
        LOG.warn("litewake [{}]: newest generation {} in {} has no snapshot yet; restoring generation {}",
            name, newest.id(), where, gen.id());
      }
    }
    final Generation g = gen;
    Optional<Snapshot> snap = g.snapshots().stream()
        .filter(s -> req.at() == null || !s.createdAt().isAfter(req.at()))
        .filter(s -> req.index() == null || s.index() <= req.index())
        .max(Comparator.comparingLong(Snapshot::index).thenComparing(Snapshot::createdAt));
    if (snap.isEmpty()) {
      throw new LitewakeException("generation " + g.id() + " in " + where + " has no snapshot"
          + (req.index() != null ? " at or before index " + req.index() : "")
          + (req.at() != null ? " taken at or before " + req.at() : "")
          + "; choose another generation or point in time (Restore.list() shows what exists)");
    }
    Snapshot s = snap.get();
    List<WalSegment> segs = new ArrayList<>();
    for (WalSegment w : g.walSegments()) {
      if (w.index() < s.index()) {
        continue;
      }
      if (req.index() != null && w.index() > req.index()) {
        break;
      }
      if (req.at() != null && w.createdAt().isAfter(req.at())) {
        break;
      }
      segs.add(w);
    }
    if (req.index() != null && g.lastIndex() < req.index()) {
      throw new LitewakeException("generation " + g.id() + " in " + where + " ends at index " + g.lastIndex()
          + ", before the requested index " + req.index());
    }
    return new Plan(g, s, segs);
  }

  private static Instant newestUpTo(Generation g, Instant at) {
    Instant best = Instant.MIN;
    for (Snapshot s : g.snapshots()) {
      if (!s.createdAt().isAfter(at) && s.createdAt().isAfter(best)) {
        best = s.createdAt();
      }
    }
    for (WalSegment w : g.walSegments()) {
      if (!w.createdAt().isAfter(at) && w.createdAt().isAfter(best)) {
        best = w.createdAt();
      }
    }
    return best;
  }

  private static final class Applied {
    long index;
    long offset;
    Instant pointInTime;
    int objects;
    long downloaded;
  }

  private Applied download(Plan plan, Path tmp) throws IOException {
    Replica r = req.replica();
    Path work = Files.createTempDirectory(tmp.getParent(), "." + name + ".litewake-dl-");
    ExecutorService pool = Executors.newFixedThreadPool(req.parallelism(), runnable -> {
      Thread t = new Thread(runnable, "litewake-restore-" + name);
      t.setDaemon(true);
      return t;
    });
    Applied applied = new Applied();
    try (FileChannel db = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      Snapshot snap = plan.snapshot();
      Deque<Future<Fetched>> window = new ArrayDeque<>();
      Semaphore budget = new Semaphore(MEMORY_BUDGET);
      int next = 0;
      List<WalSegment> segs = plan.segments();
      int ahead = Math.max(2, req.parallelism() * 2);
      next = refill(pool, r, segs, next, window, ahead, budget, work);
      long tSnap = System.nanoTime();
      int pageSize;
      try {
        // one pass, as it arrives: download, decompress, write (WAL segments download meanwhile)
        pageSize = streamSnapshot(snap, r, db);
      } catch (SourceFailed e) {
        LOG.debug("litewake [{}]: streaming {} failed ({}); downloading it to a file instead", name, snap.key(),
            e.getCause().toString());
        db.truncate(0);
        Future<Path> snapFile = pool.submit(() -> fetch(r, snap.key(), snap.size(), snap.createdAt(), work));
        pageSize = applySnapshot(snap, await(snapFile, snap.key()), db);
      }
      LOG.debug("litewake [{}]: snapshot {} applied in {} ms ({} of {} WAL objects downloaded meanwhile)", name,
          snap.key(), (System.nanoTime() - tSnap) / 1_000_000, window.stream().filter(Future::isDone).count(),
          segs.size());
      long tWal = System.nanoTime();
      applied.objects = 1;
      applied.downloaded = snap.size();
      applied.index = snap.index();
      applied.offset = 0;
      applied.pointInTime = snap.createdAt();
      WalApplier wal = null;
      for (int i = 0; i < segs.size(); i++) {
        WalSegment w = segs.get(i);
        next = refill(pool, r, segs, next, window, ahead, budget, work);
        Fetched f = await(window.poll(), w.key());
        next = refill(pool, r, segs, next, window, ahead, budget, work);
        if (wal == null || wal.index != w.index()) {
          if (wal != null) {
            wal.finish(db);
          }
          long expectedIndex = wal == null ? snap.index() : wal.index + 1;
          if (w.index() != expectedIndex) {
            throw new LitewakeException("cannot restore from " + r.location() + ": WAL index " + expectedIndex
                + " of generation " + plan.generation().id() + " is missing (expected object "
                + Layout.walKey(plan.generation().id(), expectedIndex, 0, w.compression())
                + "); the replica is damaged after that point: restore an earlier point in time with at() or index()");
          }
          wal = new WalApplier(w.index(), pageSize, plan.generation().id(), r.location());
        }
        try {
          wal.apply(w, f, db);
        } finally {
          budget.release(f.permits);
          f.permits = 0;
          if (f.file != null) {
            Files.deleteIfExists(f.file);
          }
        }
        applied.objects++;
        applied.downloaded += w.size();
        applied.index = w.index();
        applied.offset = wal.offset;
        if (w.createdAt().isAfter(applied.pointInTime)) {
          applied.pointInTime = w.createdAt();
        }
      }
      if (wal != null) {
        wal.finish(db);
      }
      LOG.debug("litewake [{}]: {} WAL objects applied in {} ms", name, segs.size(),
          (System.nanoTime() - tWal) / 1_000_000);
      db.force(true);
    } finally {
      pool.shutdownNow();
      try (var files = Files.list(work)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(work);
    }
    return applied;
  }

  /** A downloaded WAL segment: a file, compressed bytes, or decompressed bytes. */
  private static final class Fetched {
    Path file;
    byte[] raw;
    byte[] data;
    int dataLen;
    /** Permits of the memory budget held until the segment is applied. */
    int permits;

    /** The decompressed content. */
    InputStream open(Compression c) throws IOException {
      if (data != null) {
        return new ByteArrayInputStream(data, 0, dataLen);
      }
      if (raw != null) {
        return Codecs.decompress(c, new ByteArrayInputStream(raw));
      }
      return Codecs.decompress(c, new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }
  }

  /** Output buffer that takes its growth from the memory budget, never waiting for it. */
  private static final class BudgetSink extends Lz4Frames.Sink {
    final Semaphore budget;
    int reserved;

    BudgetSink(Semaphore budget) {
      super(0);
      this.budget = budget;
    }

    @Override
    void reserve(int bytes) throws IOException {
      if (!budget.tryAcquire(bytes)) {
        throw new OverBudget();
      }
      reserved += bytes;
    }
  }

  private static final class OverBudget extends IOException {
    OverBudget() {
      super("over the restore memory budget");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * Starts downloads: small segments until the memory budget is used up (bounded by memory, not
   * by count, so that they all download while the snapshot does), segments that need a
   * temporary file while fewer than {@code ahead} downloads are queued. Only
   * the apply thread calls this, and it never blocks: when the budget is exhausted it waits for
   * the segments in flight to be applied; with nothing in flight, the whole budget is free.
   */
  private static int refill(ExecutorService pool, Replica r, List<WalSegment> segs, int next,
      Deque<Future<Fetched>> window, int ahead, Semaphore budget, Path work) {
    while (next < segs.size() && window.size() < MAX_WINDOW) {
      WalSegment w = segs.get(next);
      int held = (int) Math.max(1, Math.min(w.size(), Integer.MAX_VALUE));
      if (w.size() <= SMALL_OBJECT && budget.tryAcquire(held)) {
        window.add(pool.submit(() -> fetchSmall(r, w, budget, held)));
      } else if (window.isEmpty() || (window.size() < ahead && w.size() > SMALL_OBJECT)) {
        window.add(pool.submit(() -> fetchFile(r, w, work)));
      } else {
        break;
      }
      next++;
    }
    return next;
  }

  private static Fetched fetchFile(Replica r, WalSegment w, Path work) throws IOException {
    Fetched f = new Fetched();
    f.file = fetch(r, w.key(), w.size(), w.createdAt(), work);
    return f;
  }

  /** Downloads a small segment into memory and decompresses it if the budget allows. */
  private static Fetched fetchSmall(Replica r, WalSegment w, Semaphore budget, int held) throws IOException {
    Fetched f = new Fetched();
    f.permits = held;
    try {
      byte[] raw;
      try (InputStream in = r.open(w.key())) {
        raw = in.readAllBytes();
      }
      if (raw.length < w.size()) {
        throw new IOException("download of " + w.key() + " is truncated: got " + raw.length + " of "
            + w.size() + " bytes");
      }
      BudgetSink out = new BudgetSink(budget);
      try {
        Codecs.decompressInto(w.compression(), raw, raw.length, out);
        f.data = out.buf;
        f.dataLen = out.len;
        f.permits += out.reserved;
        budget.release(held);
        f.permits -= held;
      } catch (IOException | RuntimeException e) {
        // over budget, or damaged: the apply thread decompresses it streaming and reports it
        budget.release(out.reserved);
        f.raw = raw;
      }
      return f;
    } catch (Throwable t) {
      budget.release(f.permits);
      f.permits = 0;
      throw t;
    }
  }

  private static Path fetch(Replica r, String key, long size, Instant at, Path work) throws IOException {
    Path f = Files.createTempFile(work, "obj", ".part");
    r.download(new StoredObject(key, size, at), f);
    return f;
  }

  private <T> T await(Future<T> f, String key) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LitewakeException("restore of " + req.target() + " interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof NoSuchFileException) {
        throw missing(key, c);
      }
      throw new LitewakeException("cannot restore from " + req.replica().location() + ": download of " + key
          + " failed: " + c.getMessage(), c);
    }
  }

  /** A failure of the download itself while streaming, as opposed to damaged content. */
  private static final class SourceFailed extends IOException {
    SourceFailed(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Marks failures of the underlying stream, so that they are not taken for damage. */
  private static final class SourceStream extends java.io.FilterInputStream {
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
   * Restores the snapshot from one streaming read of the object; throws {@link SourceFailed} when
   * the download breaks off (the caller then downloads it to a file with retried ranged reads).
   */
  private int streamSnapshot(Snapshot s, Replica r, FileChannel db) throws IOException {
    InputStream raw;
    try {
      raw = r.open(new StoredObject(s.key(), s.size(), s.createdAt()));
    } catch (NoSuchFileException e) {
      throw missing(s.key(), e);
    } catch (IOException e) {
      throw new SourceFailed(e);
    }
    return applySnapshot(s, new SourceStream(raw), db);
  }

  private int applySnapshot(Snapshot s, Path file, FileChannel db) throws IOException {
    try {
      return applySnapshot(s, Files.newInputStream(file), db);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private int applySnapshot(Snapshot s, InputStream compressed, FileChannel db) throws IOException {
    long written = 0;
    int pageSize = 0;
    try (InputStream in = Codecs.decompress(s.compression(), new BufferedInputStream(compressed, 1 << 16))) {
      byte[] buf = new byte[1 << 20];
      while (true) {
        int n = in.readNBytes(buf, 0, buf.length);
        if (written == 0) {
          if (n < 100 || !DbFiles.isSqliteHeader(buf)) {
            throw damaged(s.key(), "it does not hold a SQLite database (bad header)", null);
          }
          pageSize = DbFiles.pageSize(buf);
        }
        if (n <= 0) {
          break;
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          written += db.write(bb, written);
        }
        if (n < buf.length) {
          break;
        }
      }
    } catch (LitewakeException | SourceFailed e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof SourceFailed f) {
          throw f; // a decoder that wrapped the download's failure
        }
      }
      throw damaged(s.key(), "it cannot be decompressed (" + e.getMessage() + ")", e);
    } finally {
      compressed.close();
    }
    if (written % pageSize != 0) {
      throw damaged(s.key(), "its size " + written + " is not a multiple of the page size " + pageSize, null);
    }
    return pageSize;
  }

  private LitewakeException missing(String key, Throwable cause) {
    return new LitewakeException("cannot restore from " + req.replica().location() + ": object " + key
        + " is missing (it was listed but cannot be read)", cause);
  }

  private LitewakeException damaged(String key, String why, Throwable cause) {
    return new LitewakeException("cannot restore from " + req.replica().location() + ": object " + key
        + " is damaged: " + why + "; restore an earlier point in time or generation", cause);
  }

  /** Applies the WAL segments of one index, checking everything. */
  private final class WalApplier {
    final long index;
    final int dbPageSize;
    final String gen;
    final String location;
    Wal.Header header;
    long offset;
    int[] ck = new int[2];
    long commitPages = -1;

    WalApplier(long index, int dbPageSize, String gen, String location) {
      this.index = index;
      this.dbPageSize = dbPageSize;
      this.gen = gen;
      this.location = location;
    }

    void apply(WalSegment w, Fetched file, FileChannel db) throws IOException {
      if (w.offset() != offset) {
        String expected = Layout.walKey(gen, index, offset, w.compression());
        throw new LitewakeException("cannot restore from " + location + ": WAL segment " + expected
            + " is missing (the next object is " + w.key() + "); the replica is damaged after that point:"
            + " restore an earlier point in time with at() or index()");
      }
      try (InputStream in = file.open(w.compression())) {
        if (offset == 0) {
          byte[] hb = in.readNBytes(Wal.HEADER_SIZE);
          Wal.Header h = Wal.parseHeader(hb);
          if (h == null) {
            throw damaged(w.key(), "its WAL header is invalid", null);
          }
          if (h.pageSize() != dbPageSize) {
            throw damaged(w.key(), "its page size " + h.pageSize() + " differs from the snapshot's " + dbPageSize, null);
          }
          header = h;
          ck[0] = h.ck1();
          ck[1] = h.ck2();
          offset = Wal.HEADER_SIZE;
        }
        int fs = header.frameSize();
        byte[] frame = new byte[fs];
        boolean lastWasCommit = false;
        int frames = 0;
        while (true) {
          int n = in.readNBytes(frame, 0, fs);
          if (n == 0) {
            break;
          }
          if (n < fs) {
            throw damaged(w.key(), "it ends inside a frame", null);
          }
          if (Wal.u32(frame, 8) != header.salt1() || Wal.u32(frame, 12) != header.salt2()) {
            throw damaged(w.key(), "frame at WAL offset " + offset + " has salts of another WAL", null);
          }
          Wal.checksum(header.bigEndian(), frame, 0, 8, ck);
          Wal.checksum(header.bigEndian(), frame, Wal.FRAME_HEADER_SIZE, header.pageSize(), ck);
          if (ck[0] != Wal.u32(frame, 16) || ck[1] != Wal.u32(frame, 20)) {
            throw damaged(w.key(), "checksum mismatch in frame at WAL offset " + offset, null);
          }
          long pgno = Integer.toUnsignedLong(Wal.u32(frame, 0));
          if (pgno == 0) {
            throw damaged(w.key(), "frame at WAL offset " + offset + " names page 0", null);
          }
          ByteBuffer bb = ByteBuffer.wrap(frame, Wal.FRAME_HEADER_SIZE, header.pageSize());
          long pos = (pgno - 1) * header.pageSize();
          while (bb.hasRemaining()) {
            pos += db.write(bb, pos);
          }
          int commit = Wal.u32(frame, 4);
          lastWasCommit = commit != 0;
          if (lastWasCommit) {
            commitPages = Integer.toUnsignedLong(commit);
          }
          offset += fs;
          frames++;
        }
        if (frames == 0 || !lastWasCommit) {
          throw damaged(w.key(), frames == 0 ? "it holds no frame" : "it does not end on a commit frame", null);
        }
      } catch (LitewakeException e) {
        throw e;
      } catch (EOFException e) {
        throw damaged(w.key(), "it is truncated", e);
      } catch (IOException | RuntimeException e) {
        throw damaged(w.key(), "it cannot be decompressed (" + e.getMessage() + ")", e);
      }
    }

    void finish(FileChannel db) throws IOException {
      if (commitPages > 0) {
        long size = commitPages * header.pageSize();
        if (db.size() > size) {
          db.truncate(size);
        }
      }
    }
  }

  private void integrityCheck(Path file) {
    String url = "jdbc:sqlite:" + file;
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      StringBuilder problems = new StringBuilder();
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        while (rs.next()) {
          String line = rs.getString(1);
          if (!"ok".equals(line)) {
            problems.append(line).append("; ");
          }
        }
      }
      if (problems.length() > 0) {
        throw new LitewakeException("restored database failed PRAGMA integrity_check: " + problems
            + "nothing was written to " + req.target() + "; restore an earlier point in time or generation");
      }
    } catch (SQLException e) {
      throw new LitewakeException("restored database cannot be opened for PRAGMA integrity_check: " + e.getMessage()
          + "; nothing was written to " + req.target(), e);
    }
  }
}
