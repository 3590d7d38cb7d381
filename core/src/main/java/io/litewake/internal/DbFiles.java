package io.litewake.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read access to database files that never drops the application's SQLite locks.
 *
 * <p>POSIX advisory locks belong to the process: closing any descriptor on a file releases every
 * lock the process holds on it, including those of the application's SQLite connections
 * (sqlite.org/howtocorrupt.html §2.2). So the database file is read through one channel per file
 * (per inode) that is opened once and never closed for the life of the JVM.
 */
public final class DbFiles {
  private static final Map<Object, FileChannel> CHANNELS = new ConcurrentHashMap<>();

  private DbFiles() {}

  /** The identity of the file at {@code path} (its inode), or null if it does not exist. */
  public static Object identity(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      Object key = a.fileKey();
      return key != null ? key : path.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The process-wide read channel of a database file. It must never be closed: the caller only
   * uses positional reads.
   */
  public static FileChannel channel(Path db) throws IOException {
    Object id = identity(db);
    if (id == null) {
      throw new java.nio.file.NoSuchFileException(db.toString());
    }
    FileChannel ch = CHANNELS.get(id);
    if (ch != null) {
      return ch;
    }
    synchronized (CHANNELS) {
      ch = CHANNELS.get(id);
      if (ch == null) {
        ch = FileChannel.open(db, StandardOpenOption.READ);
        Object after = identity(db);
        if (!id.equals(after)) {
          // the path was replaced while opening: keep the channel (closing it could drop locks)
          // under the identity it really has
          CHANNELS.put(after == null ? new Object() : after, ch);
          throw new IOException("database file " + db + " was replaced while being opened");
        }
        CHANNELS.put(id, ch);
      }
      return ch;
    }
  }

  /** Reads exactly {@code dst.remaining()} bytes at {@code pos}, or fewer at end of file. */
  public static int readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /**
   * Checks the 100-byte header of a database file read from {@code ch}.
   *
   * @return the page size
   * @throws IOException if the file is not a SQLite database
   */
  public static int pageSize(byte[] header100) throws IOException {
    if (!isSqliteHeader(header100)) {
      throw new IOException("not a SQLite database (bad header magic)");
    }
    int ps = ((header100[16] & 0xff) << 8) | (header100[17] & 0xff);
    if (ps == 1) {
      ps = 65536;
    }
    if (ps < 512 || Integer.bitCount(ps) != 1) {
      throw new IOException("not a SQLite database (bad page size " + ps + ")");
    }
    return ps;
  }

  /** True if the bytes start with "SQLite format 3\0". */
  public static boolean isSqliteHeader(byte[] b) {
    byte[] magic = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (b.length < 100) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (b[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
