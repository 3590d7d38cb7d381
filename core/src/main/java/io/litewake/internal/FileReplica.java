package io.litewake.internal;

import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A replica in a local directory (or a mounted network file system), with the same layout as in
 * S3. Objects are written to a temporary file, fsynced and renamed into place; the point in time
 * of an object is its modification time. A {@link #throttled(Throttle)} view copies in paced
 * chunks. Immutable; safe for any thread.
 */
public final class FileReplica implements Replica {
  private static final String TMP_SUFFIX = ".litewake-tmp";
  private final Path root;
  /** Paces copies in and out, or null. */
  private final Throttle throttle;

  /** A replica rooted at {@code root}; the directory is created on first write. */
  public FileReplica(Path root) {
    this(root, null);
  }

  private FileReplica(Path root, Throttle throttle) {
    this.root = root.toAbsolutePath().normalize();
    this.throttle = throttle;
  }

  /** The same directory, every byte copied in or out paced by {@code throttle}. */
  @Override
  public Replica throttled(Throttle throttle) {
    return new FileReplica(root, Checks.requireNonNull(throttle, "throttle"));
  }

  /** The directory {@code name} inside this replica's directory; nothing is shared to close. */
  @Override
  public Replica child(String name) {
    Replica.requireChildName(name);
    return new FileReplica(root.resolve(name));
  }

  @Override
  public String location() {
    String s = root.toUri().toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private Path resolve(String key) throws IOException {
    if (key.startsWith("/") || key.contains("..") || key.contains("\\")) {
      throw new IOException("invalid object key '" + key + "'");
    }
    return root.resolve(key);
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    List<StoredObject> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      if (Files.exists(root)) {
        throw new IOException("replica location " + root + " exists but is not a directory");
      }
      return out; // nothing written yet
    }
    Path start = prefix.isEmpty() ? root : resolve(prefix);
    if (!Files.isDirectory(start)) {
      return out;
    }
    Files.walkFileTree(start, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String key = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
        if (attrs.isRegularFile() && !key.endsWith(TMP_SUFFIX)) {
          out.add(new StoredObject(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE; // removed while walking
      }
    });
    return out;
  }

  @Override
  public StoredObject put(String key, Path source) throws IOException {
    return store(key, source, false);
  }

  @Override
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    return store(key, source, true);
  }

  /**
   * Copies {@code source} to a temporary file beside the target, fsyncs it, checks its size, then
   * publishes it: by rename (replacing), or by link(2), which fails atomically if the target
   * exists ({@code ifAbsent}: then null is returned).
   */
  private StoredObject store(String key, Path source, boolean ifAbsent) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + "." + Thread.currentThread().getId() + TMP_SUFFIX);
    try {
      if (throttle == null) {
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      } else {
        try (InputStream in = Files.newInputStream(source); java.io.OutputStream out = Files.newOutputStream(tmp)) {
          Paced.copy(in, out, throttle);
        }
      }
      Spool.fsync(tmp);
      if (Files.size(tmp) != Files.size(source)) {
        throw new IOException("short write of " + key + " in " + location());
      }
      if (ifAbsent) {
        try {
          Files.createLink(target, tmp);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          return null;
        }
      } else {
        Spool.move(tmp, target);
      }
      Spool.fsyncDir(target.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
    BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class);
    return new StoredObject(key, a.size(), a.lastModifiedTime().toInstant());
  }

  @Override
  public InputStream open(String key) throws IOException {
    Path p = resolve(key);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(key, null, "no object " + key + " in " + location());
    }
    InputStream in = Files.newInputStream(p);
    return throttle == null ? in : Paced.input(in, throttle);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    for (String key : keys) {
      Path p = resolve(key);
      Files.deleteIfExists(p);
      // remove emptied directories up to the root, as an object store has none
      Path dir = p.getParent();
      while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
        try {
          Files.delete(dir);
        } catch (IOException e) {
          break; // not empty (or gone)
        }
        dir = dir.getParent();
      }
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return location();
  }
}
