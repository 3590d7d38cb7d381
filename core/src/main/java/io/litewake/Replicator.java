package io.litewake;

import io.litewake.internal.Checks;
import io.litewake.internal.Redact;
import io.litewake.internal.ReplicationEngine;
import io.litewake.internal.Replicas;
import io.litewake.spi.Replica;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Continuous replication of one SQLite database (in WAL mode) to a replica.
 *
 * <pre>{@code
 * try (Replicator replicator = Replicator.of(Path.of("data/orders.db"))
 *     .to(URI.create("s3://bucket/apps/orders"))
 *     .start()) {
 *   ... // the application writes as usual
 *   replicator.sync(); // everything committed so far is in the replica
 * }
 * }</pre>
 *
 * <p>Every committed transaction is copied from the WAL into a local spool next to the database
 * within {@link Builder#syncInterval(Duration) syncInterval} and uploaded in order; the
 * application's writes never wait for the store. The replicator uses its own two connections,
 * never the application's, adds nothing to the database's schema, and runs its own checkpoints
 * after it has copied the frames they would remove.
 *
 * <p>Instances are thread-safe.
 */
public final class Replicator implements AutoCloseable {
  private static final long DEFAULT_SPOOL_LIMIT = 1L << 30;
  private final ReplicationEngine engine;
  private final Duration syncTimeout;

  private Replicator(ReplicationEngine engine, Duration syncTimeout) {
    this.engine = engine;
    this.syncTimeout = syncTimeout;
  }

  /**
   * Starts configuring the replication of the database file at {@code database}.
   *
   * @param database the SQLite database file; it must exist and be in WAL mode
   * @return a builder
   * @throws NullPointerException if {@code database} is null
   */
  public static Builder of(Path database) {
    Checks.requireNonNull(database, "database");
    return new Builder(database, null);
  }

  /**
   * Starts configuring the replication of the file database behind a SQLite {@link DataSource}.
   * One connection is borrowed at {@link Builder#start()} to find the file, and returned at once;
   * the replicator never uses the data source again.
   *
   * @param dataSource a data source of sqlite-jdbc connections to a file database
   * @return a builder
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder of(DataSource dataSource) {
    Checks.requireNonNull(dataSource, "dataSource");
    return new Builder(null, dataSource);
  }

  /**
   * Blocks until every transaction committed before this call is durable in the replica, waiting
   * at most the builder's {@link Builder#syncTimeout(Duration) syncTimeout} (default one minute).
   * Does not wait for transactions still open.
   *
   * @throws SyncTimeoutException if the replica did not acknowledge in time (the data stays in the
   *     spool and is retried)
   * @throws FencedException if another writer took over the replica
   * @throws LitewakeException if the replicator is closed
   */
  public void sync() {
    engine.sync(syncTimeout);
  }

  /**
   * Like {@link #sync()} with an explicit limit.
   *
   * @param timeout how long to wait for the replica, positive
   * @throws SyncTimeoutException if the replica did not acknowledge in time
   * @throws FencedException if another writer took over the replica
   * @throws LitewakeException if the replicator is closed
   */
  public void sync(Duration timeout) {
    Checks.requirePositive(timeout, "timeout");
    engine.sync(timeout);
  }

  /**
   * Where replication stands: the position copied locally, the lag and pending bytes of every
   * replica, whether another writer took over. Cheap, and never waits for replication work (a
   * running snapshot or checkpoint), so a health check may call it as often as it likes.
   *
   * @return an immutable status
   */
  public ReplicationStatus status() {
    return engine.status();
  }

  /**
   * Ships what was committed, waits up to the builder's {@link Builder#closeTimeout(Duration)
   * closeTimeout} for the upload, then stops. Whatever could not be uploaded stays in the spool
   * and is uploaded at the next start. Never touches the application's connections; idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "Replicator[" + engine.name() + " -> " + engine.location() + "]";
  }

  /**
   * Configuration of a {@link Replicator}. Every setter checks its argument at once; each option
   * may be set once. Cross-option checks happen in {@link #start()}.
   */
  public static final class Builder {
    private final Path database;
    private final DataSource dataSource;
    private URI uri;
    private Replica replica;
    private Duration syncInterval;
    private Duration snapshotInterval;
    private Duration retention;
    private Compression compression;
    private Path spoolDirectory;
    private Long spoolLimit;
    private Duration syncTimeout;
    private Duration closeTimeout;
    private Integer minCheckpointPages;
    private Integer maxCheckpointPages;
    private Clock clock;
    private Duration fencingCheckInterval;
    private ReplicationListener listener;

    private Builder(Path database, DataSource dataSource) {
      this.database = database;
      this.dataSource = dataSource;
    }

    /**
     * Replicates to the replica at {@code uri}: {@code file:///dir}, or {@code s3://bucket/prefix}
     * with the {@code io.litewake:litewake-s3} artifact on the class path.
     *
     * @param uri the replica location
     * @return this builder
     */
    public Builder to(URI uri) {
      Checks.requireNonNull(uri, "uri");
      requireNoReplica();
      Checks.requireArgument(uri.getScheme() != null, "replica URI '" + Redact.uri(uri)
          + "' has no scheme: use s3://bucket/prefix or file:///dir");
      this.uri = uri;
      return this;
    }

    /**
     * Replicates to a replica the caller created (and closes).
     *
     * @param replica the replica
     * @return this builder
     */
    public Builder to(Replica replica) {
      Checks.requireNonNull(replica, "replica");
      requireNoReplica();
      this.replica = replica;
      return this;
    }

    /**
     * How often committed transactions are copied from the WAL (default 1 second). This bounds
     * the replication lag; {@link Replicator#sync()} does not wait for it.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder syncInterval(Duration interval) {
      Checks.requirePositive(interval, "syncInterval");
      Checks.requireUnset(syncInterval, "syncInterval");
      syncInterval = interval;
      return this;
    }

    /**
     * How often a new snapshot of the whole database is written, when it changed (default 24
     * hours). Restores replay the WAL from the last snapshot, so shorter intervals make restores
     * faster and replicas larger.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder snapshotInterval(Duration interval) {
      Checks.requirePositive(interval, "snapshotInterval");
      Checks.requireUnset(snapshotInterval, "snapshotInterval");
      snapshotInterval = interval;
      return this;
    }

    /**
     * How far back point-in-time restores must stay possible (default 24 hours). Older snapshots,
     * WAL segments and generations are deleted once nothing in the window needs them.
     *
     * @param retention a positive duration
     * @return this builder
     */
    public Builder retention(Duration retention) {
      Checks.requirePositive(retention, "retention");
      Checks.requireUnset(this.retention, "retention");
      this.retention = retention;
      return this;
    }

    /**
     * How objects are compressed (default {@link Compression#ZSTD}; {@link Compression#LZ4} keeps
     * the replica readable by Litestream v0.3).
     *
     * @param compression the codec
     * @return this builder
     */
    public Builder compression(Compression compression) {
      Checks.requireNonNull(compression, "compression");
      Checks.requireUnset(this.compression, "compression");
      this.compression = compression;
      return this;
    }

    /**
     * Where pending objects and the replication state are kept (default: the directory
     * {@code .<database file name>-litewake} beside the database). It must be on local storage
     * that survives as long as the database does.
     *
     * @param directory the spool directory
     * @return this builder
     */
    public Builder spoolDirectory(Path directory) {
      Checks.requireNonNull(directory, "spoolDirectory");
      Checks.requireUnset(spoolDirectory, "spoolDirectory");
      spoolDirectory = directory;
      return this;
    }

    /**
     * How many bytes of WAL segments the spool may hold while the store is unreachable (default
     * 1 GiB). Past it, the pending history is dropped and a new generation starts from a
     * snapshot: the latest state still reaches the store when it is back, but point-in-time
     * history of the outage is lost (a WARN line says so). The snapshot itself is not counted.
     *
     * @param bytes a positive number of bytes
     * @return this builder
     */
    public Builder spoolLimit(long bytes) {
      Checks.requireArgument(bytes > 0, "spoolLimit must be positive, was " + bytes);
      Checks.requireUnset(spoolLimit, "spoolLimit");
      spoolLimit = bytes;
      return this;
    }

    /**
     * How long {@link Replicator#sync()} waits for the replica (default 1 minute).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder syncTimeout(Duration timeout) {
      Checks.requirePositive(timeout, "syncTimeout");
      Checks.requireUnset(syncTimeout, "syncTimeout");
      syncTimeout = timeout;
      return this;
    }

    /**
     * How long {@link Replicator#close()} waits for pending uploads (default 10 seconds).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      Checks.requirePositive(timeout, "closeTimeout");
      Checks.requireUnset(closeTimeout, "closeTimeout");
      closeTimeout = timeout;
      return this;
    }

    /**
     * How often, at most, a replicator that is uploading checks that no other replicator took
     * over the replica (default 10 seconds; never while idle). A replicator whose replica was
     * taken over by one started later stops uploading and its {@link Replicator#sync()} fails.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder fencingCheckInterval(Duration interval) {
      Checks.requirePositive(interval, "fencingCheckInterval");
      Checks.requireUnset(fencingCheckInterval, "fencingCheckInterval");
      fencingCheckInterval = interval;
      return this;
    }

    /**
     * WAL size, in pages, above which the replicator runs a PASSIVE checkpoint after copying
     * (default 1000, like SQLite's auto-checkpoint), when the WAL grew by fewer pages than this
     * since the last pass; a faster writer's WAL is left to {@link #maxCheckpointPages(int)},
     * so that the application's own commits never do the copying on the replicator's behalf.
     *
     * @param pages a positive page count
     * @return this builder
     */
    public Builder minCheckpointPages(int pages) {
      Checks.requireArgument(pages > 0, "minCheckpointPages must be positive, was " + pages);
      Checks.requireUnset(minCheckpointPages, "minCheckpointPages");
      minCheckpointPages = pages;
      return this;
    }

    /**
     * WAL size, in pages, above which the replicator briefly takes the write lock to copy and
     * check point the WAL, so that the application's next commit restarts it from the start
     * (default 10000): at the next pass, and at most once per sync interval unless the WAL grew
     * past four times this size. A WAL file left larger than this by a burst of writes is
     * truncated once the writer pauses.
     *
     * @param pages a positive page count, larger than {@link #minCheckpointPages(int)}
     * @return this builder
     */
    public Builder maxCheckpointPages(int pages) {
      Checks.requireArgument(pages > 0, "maxCheckpointPages must be positive, was " + pages);
      Checks.requireUnset(maxCheckpointPages, "maxCheckpointPages");
      maxCheckpointPages = pages;
      return this;
    }

    /**
     * The clock for snapshot intervals and retention (default the system UTC clock). For tests.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      Checks.requireNonNull(clock, "clock");
      Checks.requireUnset(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /**
     * Receives replication events (uploads, snapshots, new generations, store errors, fencing),
     * for metrics and alerting. Callbacks run on Litewake's threads and must be short.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ReplicationListener listener) {
      Checks.requireNonNull(listener, "listener");
      Checks.requireUnset(this.listener, "listener");
      this.listener = listener;
      return this;
    }

    /**
     * Checks the configuration and the database, verifies or starts a generation, and starts
     * replicating in the background.
     *
     * @return the running replicator
     * @throws LitewakeException if the database or the replica cannot be used; the message names
     *     both, the problem and the fix, and nothing was changed on disk
     * @throws IllegalStateException if no replica was set, or checkpoint limits contradict
     */
    public Replicator start() {
      Checks.requireState(uri != null || replica != null, "no replica: call to(URI) or to(Replica) before start()");
      int minPages = minCheckpointPages == null ? 1000 : minCheckpointPages;
      int maxPages = maxCheckpointPages == null ? Math.max(10_000, minPages + 1) : maxCheckpointPages;
      Checks.requireState(maxPages > minPages, "maxCheckpointPages (" + maxPages
          + ") must be larger than minCheckpointPages (" + minPages + ")");
      Path db = database != null ? database : fileOf(dataSource);
      String target = uri != null ? Redact.uri(uri) : replica.location();
      String context = "cannot start replication of " + db + " to " + target + ": ";
      db = checkDatabase(db, context);
      Path spool = spoolDirectory != null ? spoolDirectory
          : db.resolveSibling("." + db.getFileName() + "-litewake");
      Replica r = replica;
      boolean owns = false;
      if (r == null) {
        try {
          r = Replicas.open(uri);
        } catch (LitewakeException e) {
          throw new LitewakeException(context + e.getMessage(), e);
        }
        owns = true;
      }
      ReplicationEngine engine = new ReplicationEngine(new ReplicationEngine.Config(db, r, owns,
          or(syncInterval, Duration.ofSeconds(1)), or(snapshotInterval, Duration.ofHours(24)),
          or(retention, Duration.ofHours(24)), compression == null ? Compression.ZSTD : compression, spool,
          spoolLimit == null ? DEFAULT_SPOOL_LIMIT : spoolLimit, minPages, maxPages, or(syncTimeout, Duration.ofMinutes(1)),
          or(closeTimeout, Duration.ofSeconds(10)), or(fencingCheckInterval, Duration.ofSeconds(10)),
          clock == null ? Clock.systemUTC() : clock, listener));
      try {
        engine.start();
      } catch (IOException | SQLException | RuntimeException e) {
        try {
          engine.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw new LitewakeException(context + e.getMessage(), e);
      }
      return new Replicator(engine, or(syncTimeout, Duration.ofMinutes(1)));
    }

    private void requireNoReplica() {
      if (uri != null || replica != null) {
        throw new IllegalStateException("replica was already set to "
            + (uri != null ? Redact.uri(uri) : replica.location()));
      }
    }

    private static Duration or(Duration d, Duration dflt) {
      return d == null ? dflt : d;
    }

    private static Path fileOf(DataSource ds) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA database_list")) {
        while (rs.next()) {
          if ("main".equals(rs.getString(2))) {
            String file = rs.getString(3);
            if (file == null || file.isEmpty()) {
              throw new LitewakeException("cannot start replication: the data source's database is in memory"
                  + " or temporary; use a file database (jdbc:sqlite:/path/app.db)");
            }
            return Path.of(file);
          }
        }
        throw new LitewakeException("cannot start replication: the data source has no main database");
      } catch (SQLException e) {
        throw new LitewakeException("cannot start replication: the data source is not usable as a SQLite"
            + " database (" + e.getMessage() + "); pass a sqlite-jdbc data source or Replicator.of(Path)", e);
      }
    }

    private static Path checkDatabase(Path db, String context) {
      Path abs = db.toAbsolutePath().normalize();
      Path dir = abs.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new LitewakeException(context + "directory " + dir + " does not exist; create it, or fix the path");
      }
      if (!Files.exists(abs)) {
        throw new LitewakeException(context + "the database file does not exist; create the database"
            + " (and set PRAGMA journal_mode=WAL) before starting replication, or restore it first");
      }
      if (!Files.isRegularFile(abs)) {
        throw new LitewakeException(context + "it is not a regular file; give the path of the database file");
      }
      if (!Files.isWritable(dir)) {
        throw new LitewakeException(context + "directory " + dir + " is not writable; replication needs it for"
            + " the WAL and its spool: fix the permissions");
      }
      return abs;
    }
  }
}
