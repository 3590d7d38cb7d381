package io.litewake.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches directories for a {@code ReplicatorGroup}: every {@value #SCAN_SECONDS} seconds one
 * directory listing per watched directory, on a thread of its own (never on the timer thread, as
 * adding a member does I/O, nor on the group's pool, whose tasks adding and closing wait for). A matching file that is a SQLite database in WAL mode is added; a
 * watched one that is gone is removed. The set of files seen (and of files already reported as
 * not ready) is touched by the strand only.
 */
public final class GroupWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.ReplicatorGroup");
  static final long SCAN_SECONDS = 2;
  private final SerialExecutor strand;
  private final java.util.concurrent.ExecutorService own;
  private final Workers workers;
  private final Consumer<Path> add;
  private final Consumer<Path> remove;
  private final Predicate<Path> member;
  private final Map<Path, PathMatcher> dirs = new ConcurrentHashMap<>();
  private final Set<Path> added = new HashSet<>();
  private final Set<Path> reported = new HashSet<>();
  private ScheduledFuture<?> task;
  private volatile boolean closed;

  /**
   * Creates the watch; nothing runs before {@link #watch}.
   *
   * @param workers the group's threads
   * @param add adds a database to the group (may throw)
   * @param remove closes the member of a database that is gone
   * @param member whether a database is a member already
   */
  public GroupWatch(Workers workers, Consumer<Path> add, Consumer<Path> remove, Predicate<Path> member) {
    this.workers = workers;
    // its own thread, not the group's pool: adding or closing a member waits for tasks on that pool
    this.own = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "litewake-group-watch");
      t.setDaemon(true);
      return t;
    });
    this.strand = new SerialExecutor(own);
    this.add = add;
    this.remove = remove;
    this.member = member;
  }

  /**
   * Watches {@code dir} for files matching {@code glob}; scans it at once.
   *
   * @param dir an existing directory
   * @param glob the file name pattern
   */
  public synchronized void watch(Path dir, String glob) {
    Checks.requireArgument(Files.isDirectory(dir), "cannot watch " + dir + ": it is not a directory");
    PathMatcher m;
    try {
      m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad file name pattern '" + glob + "': " + e.getMessage(), e);
    }
    dirs.put(dir.toAbsolutePath().normalize(), m);
    if (task == null) {
      task = workers.scheduler().scheduleWithFixedDelay(() -> strand.execute(this::scan), 0, SCAN_SECONDS,
          TimeUnit.SECONDS);
    } else {
      strand.execute(this::scan);
    }
  }

  private void scan() {
    if (closed) {
      return;
    }
    for (Map.Entry<Path, PathMatcher> d : dirs.entrySet()) {
      Set<Path> present = new HashSet<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(d.getKey())) {
        for (Path f : files) {
          if (d.getValue().matches(f.getFileName()) && Files.isRegularFile(f)) {
            present.add(f);
            consider(f);
          }
        }
      } catch (IOException e) {
        LOG.debug("litewake: cannot list watched directory {}: {}", d.getKey(), e.toString());
        continue;
      }
      for (Path gone : new HashSet<>(added)) {
        if (gone.getParent().equals(d.getKey()) && !present.contains(gone)) {
          added.remove(gone);
          LOG.info("litewake [{}]: the database file is gone; replication stops", gone.getFileName());
          remove.accept(gone);
        }
      }
    }
  }

  private void consider(Path f) {
    if (added.contains(f) || member.test(f) || closed) {
      return;
    }
    String why = notReady(f);
    if (why != null) {
      if (reported.add(f)) {
        LOG.debug("litewake [{}]: not replicated yet: {}", f.getFileName(), why);
      }
      return;
    }
    try {
      add.accept(f);
      added.add(f);
      reported.remove(f);
    } catch (RuntimeException e) {
      if (reported.add(f)) {
        LOG.warn("litewake [{}]: cannot replicate the new database file: {}", f.getFileName(), e.getMessage());
      }
    }
  }

  /** Why {@code f} is not a SQLite database in WAL mode (yet), or null when it is. */
  private static String notReady(Path f) {
    try {
      if (Files.size(f) < 100) {
        return "smaller than a database header";
      }
      byte[] h = new byte[100];
      // through the never-closed descriptor: closing one would drop this process's locks on it
      if (DbFiles.reader(f).read(0, h, 0, h.length) < h.length || !DbFiles.isSqliteHeader(h)) {
        return "not a SQLite database";
      }
      if (h[18] != 2 || h[19] != 2) {
        return "not in WAL mode";
      }
      return null;
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (task != null) {
      task.cancel(false);
    }
    own.shutdown();
  }
}
