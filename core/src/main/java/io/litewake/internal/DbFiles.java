package io.litewake.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read access to database files that never drops the application's SQLite locks.
 *
 * <p>POSIX advisory locks belong to the process: closing any descriptor on a file releases every
 * lock the process holds on it, including those of the application's SQLite connections
 * (sqlite.org/howtocorrupt.html §2.2). So the database file is read through one channel per file
 * (per inode) that is opened once and never closed for the life of the JVM, and that an
 * interrupt cannot close either.
 */
public final class DbFiles {
  private static final Map<Object, Reader> READERS = new ConcurrentHashMap<>();

  private DbFiles() {}

  /**
   * Positional reads of one database file through a descriptor that is never closed. It is a
   * {@link RandomAccessFile}, not a {@link FileChannel}: an interrupted thread closes an
   * interruptible channel it is reading, and that close would drop the process's locks.
   */
  public static final class Reader {
    private final RandomAccessFile file;

    private Reader(RandomAccessFile file) {
      this.file = file;
    }

    /** The current file size. */
    public synchronized long size() throws IOException {
      return file.length();
    }

    /** Reads up to {@code len} bytes at {@code pos}; fewer only at end of file. */
    public synchronized int read(long pos, byte[] buf, int off, int len) throws IOException {
      file.seek(pos);
      int total = 0;
      while (total < len) {
        int n = file.read(buf, off + total, len - total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      return total;
    }
  }

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
   * The size and modification time of the file at {@code path} as one comparable value (one
   * stat), or null if it does not exist: a changed value means the file was written.
   */
  public static Object sizeAndTime(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return List.of(a.size(), a.lastModifiedTime());
    } catch (IOException e) {
      return null;
    }
  }

  /** The process-wide reader of a database file, opened on first use and never closed. */
  public static Reader reader(Path db) throws IOException {
    Object id = identity(db);
    if (id == null) {
      throw new java.nio.file.NoSuchFileException(db.toString());
    }
    Reader r = READERS.get(id);
    if (r != null) {
      return r;
    }
    synchronized (READERS) {
      r = READERS.get(id);
      if (r == null) {
        r = new Reader(new RandomAccessFile(db.toFile(), "r"));
        Object after = identity(db);
        if (!id.equals(after)) {
          // the path was replaced while opening: keep the descriptor (closing it could drop
          // locks) under the identity it really has
          READERS.put(after == null ? new Object() : after, r);
          throw new IOException("database file " + db + " was replaced while being opened");
        }
        READERS.put(id, r);
      }
      return r;
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
