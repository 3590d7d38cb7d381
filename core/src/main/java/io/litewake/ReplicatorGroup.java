package io.litewake;

import io.litewake.internal.Checks;
import io.litewake.internal.GroupWatch;
import io.litewake.internal.Redact;
import io.litewake.internal.Replicas;
import io.litewake.internal.Workers;
import io.litewake.spi.Replica;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Many databases replicated by one process, each to {@code <base>/<name>}: they share a small
 * fixed set of threads and one store client, so an idle member costs no thread, no request and
 * only a light periodic look at its WAL.
 *
 * <pre>{@code
 * try (ReplicatorGroup group = ReplicatorGroup.to(URI.create("s3://bucket/tenants")).start()) {
 *   Replicator acme = group.add(Path.of("/data/tenants/acme.db"));   // s3://bucket/tenants/acme.db
 *   group.watch(Path.of("/data/tenants"), "*.db");                    // new files join, removed ones leave
 * }
 * }</pre>
 *
 * <p>Every member is a full {@link Replicator} (its own spool, generations, writer claim and
 * status); closing one removes it from the group. The members map is concurrent; adding and
 * removing are safe from any thread.
 */
public final class ReplicatorGroup implements AutoCloseable {
  private final URI base;
  private final Builder options;
  private final Workers workers;
  /** The replica at {@code base}, whose children the members use; null if it cannot share clients. */
  private final Replica baseReplica;
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private final GroupWatch watch;
  private volatile boolean closed;
  /** Adds hold it shared for their whole start, close exclusively: no member starts on a closing group. */
  private final java.util.concurrent.locks.ReadWriteLock lifecycle = new java.util.concurrent.locks.ReentrantReadWriteLock();

  private record Member(Path database, Replicator replicator, boolean watched) {}

  private ReplicatorGroup(URI base, Builder options, Workers workers, Replica baseReplica) {
    this.base = base;
    this.options = options;
    this.workers = workers;
    this.baseReplica = baseReplica;
    this.watch = new GroupWatch(workers, this::addWatched, this::removeWatched, this::isMember);
  }

  /**
   * Starts configuring a group whose members replicate to {@code <base>/<name>}.
   *
   * @param base the common replica location, as for {@link Replicator.Builder#to(URI, URI...)}
   * @return a builder with the same options as {@link Replicator.Builder}
   * @throws NullPointerException if {@code base} is null
   * @throws IllegalArgumentException if {@code base} has no scheme
   */
  public static Builder to(URI base) {
    Checks.requireNonNull(base, "base");
    Checks.requireArgument(base.getScheme() != null, "replica URI '" + Redact.uri(base)
        + "' has no scheme: use s3://bucket/prefix or file:///dir");
    return new Builder(base);
  }

  /**
   * Restores every database under {@code base} that is missing in {@code dir}, in parallel (at
   * most four at a time), as {@code dir/<name>}. A database that fails (a damaged replica, say) is
   * reported with {@link RestoreResult#failure()} and does not stop the others.
   *
   * @param base the common replica location
   * @param dir the directory of the databases; it must exist
   * @return one result per database found under {@code base}, by name
   * @throws LitewakeException if the replica cannot be listed or {@code dir} is not a directory
   */
  public static List<RestoreResult> restoreAll(URI base, Path dir) {
    Checks.requireNonNull(base, "base");
    Checks.requireNonNull(dir, "dir");
    return io.litewake.internal.RestoreAll.run(base, dir, 4);
  }

  /**
   * Starts replicating {@code database} to {@code <base>/<file name>}.
   *
   * @param database a SQLite database file in WAL mode
   * @return its running replicator; closing it removes it from the group
   * @throws LitewakeException if it cannot start (as {@link Replicator.Builder#start()})
   * @throws IllegalStateException if the group is closed or a member has that name already
   */
  public Replicator add(Path database) {
    Checks.requireNonNull(database, "database");
    Path name = database.getFileName();
    Checks.requireArgument(name != null, "database path '" + database + "' has no file name");
    return add(database, name.toString());
  }

  /**
   * Starts replicating {@code database} to {@code <base>/<name>}.
   *
   * @param database a SQLite database file in WAL mode
   * @param name the replica name under the base: one path segment
   * @return its running replicator; closing it removes it from the group
   * @throws LitewakeException if it cannot start (as {@link Replicator.Builder#start()})
   * @throws IllegalStateException if the group is closed or a member has that name already
   */
  public Replicator add(Path database, String name) {
    return add(database, name, false);
  }

  private Replicator add(Path database, String name, boolean watched) {
    Checks.requireNonNull(database, "database");
    Replica.requireChildName(name);
    lifecycle.readLock().lock();
    try {
      return addLocked(database, name, watched);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private Replicator addLocked(Path database, String name, boolean watched) {
    Checks.requireState(!closed, "the group is closed");
    Member placeholder = new Member(database, null, watched);
    Checks.requireState(members.putIfAbsent(name, placeholder) == null, "the group already replicates a database as '"
        + name + "' (" + (members.get(name) == null ? "?" : members.get(name).database()) + ")");
    try {
      Path db = Replicator.Builder.checkDatabase(database, "cannot start replication of " + database + " to "
          + Redact.uri(base) + "/" + name + ": ");
      Replica replica = childReplica(name);
      String where = replica.location();
      Replicator r = options.start(db, List.of(replica), true,
          db.resolveSibling("." + db.getFileName() + "-litewake"), workers,
          "cannot start replication of " + db + " to " + where + ": ");
      r.onClose(() -> members.remove(name));
      members.put(name, new Member(db, r, watched));
      return r;
    } catch (RuntimeException | Error e) {
      members.remove(name, placeholder);
      throw e;
    }
  }

  private Replica childReplica(String name) {
    if (baseReplica != null) {
      try {
        return baseReplica.child(name);
      } catch (UnsupportedOperationException e) {
        // a store without shared clients: each member opens its own
      }
    }
    String b = base.toString();
    int q = b.indexOf('?');
    String path = q < 0 ? b : b.substring(0, q);
    return Replicas.open(URI.create((path.endsWith("/") ? path : path + "/") + name + (q < 0 ? "" : b.substring(q))));
  }

  /**
   * Replicates every file in {@code dir} whose name matches {@code glob} and that is a SQLite
   * database in WAL mode, as {@code <base>/<file name>}, now and as files appear (looked for every
   * few seconds); stops replicating a watched file once it is gone. A file that is not a WAL
   * database yet is looked at again later.
   *
   * @param dir the directory to watch
   * @param glob a file name pattern such as {@code *.db} ({@link java.nio.file.FileSystem#getPathMatcher} glob syntax)
   * @throws IllegalArgumentException if {@code dir} is not a directory or the pattern is malformed
   * @throws IllegalStateException if the group is closed
   */
  public void watch(Path dir, String glob) {
    Checks.requireNonNull(dir, "dir");
    Checks.requireNonNull(glob, "glob");
    Checks.requireState(!closed, "the group is closed");
    watch.watch(dir, glob);
  }

  private void addWatched(Path db) {
    add(db, db.getFileName().toString(), true);
  }

  private void removeWatched(Path db) {
    for (Map.Entry<String, Member> e : members.entrySet()) {
      Member m = e.getValue();
      if (m.watched() && m.replicator() != null && m.database().equals(db)) {
        m.replicator().close();
      }
    }
  }

  private boolean isMember(Path db) {
    for (Member m : members.values()) {
      if (m.database().equals(db)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The running members by replica name (a snapshot of the moment).
   *
   * @return name to replicator
   */
  public Map<String, Replicator> members() {
    Map<String, Replicator> out = new java.util.TreeMap<>();
    members.forEach((name, m) -> {
      if (m.replicator() != null) {
        out.put(name, m.replicator());
      }
    });
    return out;
  }

  /**
   * Where the group stands: the worst lag, what waits in the spools, the members furthest behind.
   * Cheap; never waits for replication work.
   *
   * @return an immutable status
   */
  public GroupStatus status() {
    List<ReplicationStatus> all = new ArrayList<>();
    for (Replicator r : members().values()) {
      all.add(r.status());
    }
    all.sort(Comparator.comparing(ReplicationStatus::lag).reversed());
    Duration lag = all.isEmpty() ? Duration.ZERO : all.get(0).lag();
    long pending = all.stream().mapToLong(ReplicationStatus::pendingBytes).sum();
    int fenced = (int) all.stream().filter(ReplicationStatus::fenced).count();
    return new GroupStatus(all.size(), lag, pending, fenced, all.subList(0, Math.min(5, all.size())));
  }

  /** Stops watching, closes every member (each with its final sync), then the shared threads and client. */
  @Override
  public void close() {
    lifecycle.writeLock().lock(); // waits for adds under way
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lifecycle.writeLock().unlock();
    }
    watch.close();
    List<Replicator> running = new ArrayList<>(members().values());
    running.parallelStream().forEach(Replicator::close);
    workers.close();
    if (baseReplica != null) {
      baseReplica.close();
    }
  }

  @Override
  public String toString() {
    return "ReplicatorGroup[" + Redact.uri(base) + ", " + members.size() + " databases]";
  }

  /** Configuration of a {@link ReplicatorGroup}: the options every member replicates with. */
  public static final class Builder extends ReplicationOptions<Builder> {
    private final URI base;
    private Integer threads;

    private Builder(URI base) {
      this.base = base;
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * How many threads run the members' passes and uploads (default 4). Idle members use none;
     * the group also has one timer thread, and the store client its own I/O threads.
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder threads(int threads) {
      Checks.requireArgument(threads > 0, "threads must be positive, was " + threads);
      Checks.requireUnset(this.threads, "threads");
      this.threads = threads;
      return this;
    }

    /**
     * Checks the options and opens the store client; members are added afterwards.
     *
     * @return the running (empty) group
     * @throws LitewakeException if the base replica cannot be opened
     * @throws IllegalStateException if options contradict each other
     */
    public ReplicatorGroup start() {
      checkOptions();
      Replica replica;
      try {
        replica = Replicas.open(base);
      } catch (LitewakeException e) {
        throw new LitewakeException("cannot start a replicator group on " + Redact.uri(base) + ": " + e.getMessage(), e);
      }
      return new ReplicatorGroup(base, this, new Workers("group", threads == null ? 4 : threads), replica);
    }
  }
}
