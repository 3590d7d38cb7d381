package io.litewake.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import io.litewake.Position;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * The local spool beside the database: compressed objects waiting for upload, in order, and the
 * replication state. Everything is fsynced before it counts, so both survive a crash.
 *
 * <p>The queue is a directory, read once at start into an in-memory index; afterwards the index is
 * the queue. Adding is serialized by this object's monitor (sequence number, rename and index
 * entry together); the index and the byte count are concurrent structures, so readers
 * ({@link #pending()}, {@link #pendingBytes()}, {@link #doneThrough()}) never wait. An entry is
 * removed by whoever finished with it (the uploader, or the spool limit); removing twice is
 * harmless.
 */
public final class Spool {
  private static final String STATE = "state.properties";
  private final Path dir;
  private final Path queue;
  private final Path tmp;
  private final AtomicLong seq = new AtomicLong();
  /** The highest sequence number whose entry is in the index (or was removed from it). */
  private final AtomicLong published = new AtomicLong();
  private final ConcurrentSkipListMap<Long, Entry> index = new ConcurrentSkipListMap<>();
  private final AtomicLong bytes = new AtomicLong();
  /** Told of each entry added, under the add's monitor (the {@link Lanes}). */
  private volatile java.util.function.Consumer<Entry> onAdd;
  /** Entries up to this sequence number are accounted for by the saved state (uploadable). */
  private final AtomicLong durable = new AtomicLong();

  /**
   * An object waiting for upload.
   *
   * @param seq its place in the upload order
   * @param key the object key
   * @param file the spooled file
   * @param size its size in bytes
   * @param since a time no later than the oldest commit the object holds (for the lag)
   * @param end the replication position the object reaches, or null when not known (snapshots,
   *     objects spooled before a restart)
   * @param baseline true for what a new generation starts with (its snapshot, and the WAL as it
   *     was at the snapshot): the spool limit does not count it
   */
  public record Entry(long seq, String key, Path file, long size, Instant since, Position end, boolean baseline) {
    /** An entry without timing or position (tests). */
    public Entry(long seq, String key, Path file, long size) {
      this(seq, key, file, size, Instant.EPOCH, null, false);
    }
  }

  /** True if {@link #open()} created the directory (a first start). */
  private boolean created;

  /** A spool in {@code dir}; nothing on disk changes before {@link #open()}. */
  public Spool(Path dir) {
    this.dir = dir;
    this.queue = dir.resolve("queue");
    this.tmp = dir.resolve("tmp");
  }

  /** Creates the spool's directories if needed (then {@link #lock()}, then {@link #load()}). */
  public Spool open() throws IOException {
    created = !Files.exists(dir);
    Files.createDirectories(queue);
    Files.createDirectories(tmp);
    return this;
  }

  /**
   * Under the lock: removes what a crash left half-written and reads the queue into the index
   * (before the lock, a second replicator of the same database could delete a live one's files).
   */
  public Spool load() throws IOException {
    // leftovers of a crash while writing: never complete, never referenced
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
    long max = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(queue)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        int t = name.indexOf('~');
        if (t != 16) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          Entry e = new Entry(Long.parseLong(name.substring(0, t)), name.substring(t + 1).replace('~', '/'), p,
              a.size(), a.lastModifiedTime().toInstant(), null, name.contains("~snapshots~"));
          index.put(e.seq(), e);
          bytes.addAndGet(e.size());
          max = Math.max(max, e.seq());
        } catch (NumberFormatException e) {
          // not ours
        }
      }
    }
    seq.set(max);
    published.set(max);
    durable.set(max);
    return this;
  }

  /** Entries up to {@code seq} are now recorded by the saved state: they may be uploaded. */
  public void durableThrough(long seq) {
    durable.accumulateAndGet(seq, Math::max);
  }

  /** The sequence number through which entries may be uploaded. */
  public long durableSeq() {
    return durable.get();
  }
  private static final java.util.Set<Path> LOCKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Locks the spool for this replicator: a second replicator of the same database, in this
   * process or another one, would write a conflicting history. The lock file is not the
   * database, so opening and closing it never affects SQLite's locks.
   *
   * @return the lock, released by closing it
   * @throws io.litewake.LitewakeException if another replicator holds it
   */
  public AutoCloseable lock() throws IOException {
    Path file = dir.resolve("lock");
    Path key = dir.toRealPath();
    if (!LOCKED.add(key)) {
      throw new io.litewake.LitewakeException("another Replicator in this process is already replicating this"
          + " database (spool " + dir + "); close it first, or share the running one");
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      java.nio.channels.FileLock l = ch.tryLock();
      if (l == null) {
        throw new io.litewake.LitewakeException("another process is already replicating this database (it holds "
            + file + "); stop it first: two replicators of one database would write conflicting histories");
      }
      // who holds it, for the messages of whoever finds it taken (a restore that would overwrite)
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap(holderDescription().getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
      FileChannel held = ch;
      return () -> {
        try {
          held.close();
        } finally {
          LOCKED.remove(key);
        }
      };
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      LOCKED.remove(key);
      throw e;
    }
  }

  /**
   * After a start that failed: removes the spool directory again if {@link #open()} created it,
   * so that a failed first start leaves the disk as it was. Without {@code force} only while
   * nothing was recorded in it; with it (the start had spooled its first snapshot but uploaded
   * nothing) whatever it holds.
   */
  public void removeIfCreated(boolean force) {
    if (!created || (!force && (!index.isEmpty() || Files.exists(dir.resolve(STATE))))) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // something else is in it: leave it
    }
  }

  private static String holderDescription() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "process " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now();
  }

  /**
   * Who is replicating from the spool in {@code dir} right now (a replicator in this process or
   * another one holds its lock), or empty. Checking takes the lock for an instant: never call it
   * on a spool this process replicates from except through this method.
   */
  public static java.util.Optional<String> holder(Path dir) {
    Path file = dir.resolve("lock");
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      if (LOCKED.contains(dir.toRealPath())) {
        // never open the lock file here: closing any descriptor on it drops this process's lock
        return java.util.Optional.of("a Replicator in this process (pid " + ProcessHandle.current().pid() + ")");
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        java.nio.channels.FileLock l = ch.tryLock();
        if (l != null) {
          l.release();
          return java.util.Optional.empty();
        }
      }
      return java.util.Optional.of("a Replicator in " + readHolder(file));
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return java.util.Optional.of("a Replicator in this process");
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static String readHolder(Path file) throws IOException {
    String s = Files.readString(file).trim();
    return s.isEmpty() ? "another process" : s;
  }

  /** The spool directory. */
  public Path dir() {
    return dir;
  }

  /** A new empty temporary file inside the spool, on the same file system. */
  public Path newTempFile() throws IOException {
    return Files.createTempFile(tmp, "obj", ".tmp");
  }

  /**
   * Adds a complete temporary file under {@code key}: fsyncs it, moves it into the queue and
   * fsyncs the directory.
   *
   * @return the entry's sequence number
   */
  public Entry add(String key, Path tempFile) throws IOException {
    return add(key, tempFile, true, Instant.now(), null, false);
  }

  /**
   * Adds a complete temporary file under {@code key}; with {@code durable} false it is not
   * fsynced yet: {@link #makeDurable} must be called before anything counts on it.
   *
   * @param since a time no later than the oldest commit in the object
   * @param end the position the object reaches, or null
   * @param baseline whether the spool limit leaves it out (see {@link Entry#baseline()})
   */
  public Entry add(String key, Path tempFile, boolean durable, Instant since, Position end, boolean baseline)
      throws IOException {
    if (durable) {
      fsync(tempFile);
    }
    Entry e;
    synchronized (this) {
      long n = seq.incrementAndGet();
      Path target = queue.resolve(String.format("%016d", n) + "~" + key.replace('/', '~'));
      move(tempFile, target);
      e = new Entry(n, key, target, Files.size(target), since, end, baseline);
      index.put(n, e);
      bytes.addAndGet(e.size());
      java.util.function.Consumer<Entry> l = onAdd;
      if (l != null) {
        l.accept(e); // before publishing: readers of the lanes rely on the same order
      }
      published.set(n);
    }
    if (durable) {
      fsyncDir(queue);
    }
    return e;
  }

  /** fsyncs entries added with {@code durable} false, and the queue; removed ones are skipped. */
  public void makeDurable(List<Entry> entries) throws IOException {
    for (Entry e : entries) {
      try {
        fsync(e.file());
      } catch (NoSuchFileException gone) {
        // dropped meanwhile (spool limit): nothing to keep
      }
    }
    fsyncDir(queue);
  }

  /** Told of each entry removed (the {@link Lanes}, for entries abandoned everywhere). */
  private volatile java.util.function.Consumer<Entry> onRemove;

  /** Sets who is told of each added entry (before it is published) and of each removed one. */
  void onChange(java.util.function.Consumer<Entry> added, java.util.function.Consumer<Entry> removed) {
    onAdd = added;
    onRemove = removed;
  }

  /** The highest sequence number whose entry was added (every lower one is in the index or done). */
  long published() {
    return published.get();
  }

  /** Makes the next sequence number larger than {@code seen} (numbers stay monotonic across runs). */
  public synchronized void advanceSeq(long seen) {
    seq.accumulateAndGet(seen, Math::max);
    published.accumulateAndGet(seen, Math::max);
  }

  /** The last sequence number handed out. */
  public long lastSeq() {
    return seq.get();
  }

  /** The entries waiting for upload, oldest first (a copy of the index). */
  public List<Entry> pending() {
    return new ArrayList<>(index.values());
  }

  /** Total bytes waiting for upload. */
  public long pendingBytes() {
    return bytes.get();
  }

  /** Removes an uploaded (or abandoned) entry; removing one twice does nothing. */
  public void remove(Entry e) throws IOException {
    if (index.remove(e.seq(), e)) {
      bytes.addAndGet(-e.size());
      java.util.function.Consumer<Entry> l = onRemove;
      if (l != null) {
        l.accept(e);
      }
    }
    Files.deleteIfExists(e.file());
  }

  /** Loads the saved state, or null if there is none. */
  public Properties loadState() throws IOException {
    Path p = dir.resolve(STATE);
    if (!Files.exists(p)) {
      return null;
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(p)) {
      props.load(in);
    }
    return props;
  }

  /** Saves the state atomically and durably. */
  public void saveState(Properties props) throws IOException {
    Path t = newTempFile();
    try (OutputStream out = Files.newOutputStream(t)) {
      props.store(out, "litewake replication state: do not edit");
    }
    fsync(t);
    move(t, dir.resolve(STATE));
    fsyncDir(dir);
  }

  static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** fsyncs a regular file. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** fsyncs a directory so that renames in it are durable (best effort where unsupported). */
  public static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems and platforms cannot open directories; rename is still atomic there
    }
  }
}
