package io.litewake.internal;

import io.litewake.IntegrityCheck;
import io.litewake.LitewakeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The atomic output of a restore. The database is assembled in a temporary file beside the
 * target ({@code .<name>.litewake-restore-<hex>}); {@link #seal()} fsyncs and closes it, {@link
 * #check} may run {@code PRAGMA integrity_check} or {@code quick_check} on it, and {@link #commit()} removes
 * stale {@code -wal} and {@code -shm} files beside the target, renames the temporary file over
 * the target and fsyncs the directory. {@link #close()} removes the temporary file and any
 * {@code -wal}, {@code -shm} or {@code -journal} SQLite left beside it, so a restore that fails
 * at any step leaves nothing.
 *
 * <p>State: the temporary file and its channel belong to the one thread that restores; the class
 * is not thread-safe.
 */
final class RestoreOutput implements AutoCloseable {
  private final Path target;
  private final Path tmp;
  private final FileChannel channel;
  /** The early flush, until {@link #seal()} joined it. */
  private Thread flush;
  private volatile IOException flushFailed;

  private RestoreOutput(Path target, Path tmp, FileChannel channel) {
    this.target = target;
    this.tmp = tmp;
    this.channel = channel;
  }

  /**
   * Checks, before anything is read from the replica, that {@code target} can be written.
   *
   * @param target an absolute path
   * @param overwrite whether an existing file may be replaced
   * @throws LitewakeException naming the problem and what to do
   */
  static void checkTarget(Path target, boolean overwrite) {
    if (Files.exists(target)) {
      if (!overwrite) {
        throw new LitewakeException("cannot restore to " + target + ": the file exists; call overwrite() to"
            + " replace it, or ifDatabaseMissing() to keep it");
      }
      if (Files.isDirectory(target)) {
        throw new LitewakeException("cannot restore to " + target + ": it is a directory; give a file path");
      }
      Path spool = target.resolveSibling("." + target.getFileName() + "-litewake");
      java.util.Optional<String> holder = Spool.holder(spool);
      if (holder.isPresent()) {
        throw new LitewakeException("cannot restore to " + target + ": " + holder.get() + " is replicating this"
            + " database (it holds " + spool.resolve("lock") + "); replacing the file under it would break its"
            + " history. Stop that replicator (close it) first, then restore");
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
  }

  /** Loads SQLite's native library (on first use otherwise). */
  static void loadSqlite() {
    try {
      org.sqlite.SQLiteJDBCLoader.initialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates the temporary file.
   *
   * @param target an absolute path whose directory exists
   */
  static RestoreOutput create(Path target) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".litewake-restore-"
        + Long.toHexString(System.nanoTime()));
    return new RestoreOutput(target, tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  /** The temporary file, open for reading and writing until {@link #seal()}. */
  FileChannel channel() {
    return channel;
  }

  /**
   * Starts writing the file's pages to disk on a daemon thread (what is written later is flushed
   * by {@link #seal()}): the disk works while the WAL pages are merged in and the SQLite check
   * reads the file.
   */
  void startFlush() {
    if (flush != null) {
      return;
    }
    flush = new Thread(() -> {
      try {
        channel.force(false);
      } catch (IOException e) {
        flushFailed = e; // seal() fsyncs again and reports
      }
    }, "litewake-restore-flush-" + target.getFileName());
    flush.setDaemon(true);
    flush.start();
  }

  /** Fsyncs and closes the temporary file (after the flush {@link #startFlush()} began). */
  void seal() throws IOException {
    joinFlush();
    channel.force(true);
    channel.close();
  }

  private void joinFlush() throws IOException {
    if (flush != null) {
      try {
        flush.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("restore interrupted while flushing " + tmp);
      }
      flush = null;
    }
  }

  /**
   * Runs {@code PRAGMA integrity_check} or {@code quick_check} on the temporary file (before {@link
   * #seal()}, while its early flush may still run).
   *
   * @throws LitewakeException if SQLite finds a problem or cannot open the file
   */
  void check(IntegrityCheck check) {
    if (check == IntegrityCheck.NONE) {
      return;
    }
    String pragma = check == IntegrityCheck.QUICK ? "quick_check" : "integrity_check";
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp); Statement s = c.createStatement()) {
      StringBuilder problems = new StringBuilder();
      try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
        while (rs.next()) {
          String line = rs.getString(1);
          if (!"ok".equals(line)) {
            problems.append(line).append("; ");
          }
        }
      }
      if (problems.length() > 0) {
        throw new LitewakeException("restored database failed PRAGMA " + pragma + ": " + problems
            + "nothing was written to " + target + "; restore an earlier point in time or generation");
      }
    } catch (SQLException e) {
      throw new LitewakeException("restored database cannot be opened for PRAGMA " + pragma + ": " + e.getMessage()
          + "; nothing was written to " + target, e);
    }
  }

  /**
   * Puts the sealed temporary file in place of the target.
   *
   * @return the size of the database now at the target
   */
  long commit() throws IOException {
    Files.deleteIfExists(Path.of(target + "-wal"));
    Files.deleteIfExists(Path.of(target + "-shm"));
    Spool.move(tmp, target);
    Spool.fsyncDir(target.getParent());
    return Files.size(target);
  }

  /**
   * Writes all of {@code bytes} at {@code position} of the file being assembled.
   *
   * @throws WriteFailed if the file cannot be written (a full disk, say)
   */
  static void write(FileChannel db, ByteBuffer bytes, long position) throws WriteFailed {
    try {
      long pos = position;
      while (bytes.hasRemaining()) {
        pos += db.write(bytes, pos);
      }
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
  }

  /** A failure to write the database being assembled, as opposed to damaged input. */
  static final class WriteFailed extends IOException {
    WriteFailed(IOException cause) {
      super("writing the restored database failed: " + cause.getMessage(), cause);
    }
  }

  /** Removes whatever is left of the temporary file (nothing after {@link #commit()}). */
  @Override
  public void close() throws IOException {
    joinFlush();
    channel.close();
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      Files.deleteIfExists(Path.of(tmp + suffix));
    }
  }
}
