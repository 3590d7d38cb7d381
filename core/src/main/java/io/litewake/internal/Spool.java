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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local spool beside the database: compressed objects waiting for upload, in order, and the
 * replication state. Everything is fsynced before it counts, so both survive a crash.
 */
public final class Spool {
  private static final String STATE = "state.properties";
  private final Path dir;
  private final Path queue;
  private final Path tmp;
  private final AtomicLong seq = new AtomicLong();

  /** An object waiting for upload. */
  public record Entry(long seq, String key, Path file, long size) {}

  /** Opens (creating) the spool in {@code dir}. */
  public Spool(Path dir) throws IOException {
    this.dir = dir;
    this.queue = dir.resolve("queue");
    this.tmp = dir.resolve("tmp");
    Files.createDirectories(queue);
    Files.createDirectories(tmp);
    // leftovers of a crash while writing: never complete, never referenced
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
    long max = 0;
    for (Entry e : pending()) {
      max = Math.max(max, e.seq());
    }
    seq.set(max);
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
    return add(key, tempFile, true);
  }

  /**
   * Adds a complete temporary file under {@code key}; with {@code durable} false it is not
   * fsynced yet: {@link #makeDurable} must be called before anything counts on it.
   */
  public Entry add(String key, Path tempFile, boolean durable) throws IOException {
    if (durable) {
      fsync(tempFile);
    }
    long n = seq.incrementAndGet();
    Path target = queue.resolve(String.format("%016d", n) + "~" + key.replace('/', '~'));
    move(tempFile, target);
    if (durable) {
      fsyncDir(queue);
    }
    return new Entry(n, key, target, Files.size(target));
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

  /** Makes the next sequence number larger than {@code seen} (numbers stay monotonic across runs). */
  public void advanceSeq(long seen) {
    seq.accumulateAndGet(seen, Math::max);
  }

  /** The last sequence number handed out. */
  public long lastSeq() {
    return seq.get();
  }

  /** The entries waiting for upload, oldest first. */
  public List<Entry> pending() throws IOException {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(queue)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        int t = name.indexOf('~');
        if (t != 16) {
          continue;
        }
        try {
          out.add(new Entry(Long.parseLong(name.substring(0, t)), name.substring(t + 1).replace('~', '/'), p,
              Files.size(p)));
        } catch (NumberFormatException | NoSuchFileException e) {
          // not ours, or removed meanwhile
        }
      }
    }
    out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    return out;
  }

  /** Total bytes waiting for upload. */
  public long pendingBytes() throws IOException {
    long total = 0;
    for (Entry e : pending()) {
      total += e.size();
    }
    return total;
  }

  /** Removes an uploaded entry. */
  public void remove(Entry e) throws IOException {
    Files.deleteIfExists(e.file());
  }

  /** Removes every pending entry (used when pending history is abandoned). */
  public void clear() throws IOException {
    for (Entry e : pending()) {
      remove(e);
    }
    fsyncDir(queue);
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
