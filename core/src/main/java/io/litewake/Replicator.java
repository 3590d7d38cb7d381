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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
  private final ReplicationEngine engine;
  private final Duration syncTimeout;

  /** Run once after close (a group removes its member); set before the replicator is shared. */
  private volatile Runnable onClose;

  /** Sets what runs once after {@link #close()}. */
  void onClose(Runnable action) {
    onClose = action;
  }

  Replicator(ReplicationEngine engine, Duration syncTimeout) {
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
    Runnable r = onClose;
    if (r != null) {
      onClose = null;
      r.run();
    }
  }

  @Override
  public String toString() {
    return "Replicator[" + engine.name() + " -> " + engine.location() + "]";
  }

  /**
   * Configuration of a {@link Replicator}. Every setter checks its argument at once; each option
   * may be set once. Cross-option checks happen in {@link #start()}.
   */
  public static final class Builder extends ReplicationOptions<Builder> {
    private final Path database;
    private final DataSource dataSource;
    private List<URI> uris;
    private List<Replica> replicas;
    private Path spoolDirectory;

    private Builder(Path database, DataSource dataSource) {
      this.database = database;
      this.dataSource = dataSource;
    }

    /**
     * Replicates to the replica at {@code first} and to each of {@code more}: {@code file:///dir},
     * or {@code s3://bucket/prefix} with the {@code io.litewake:litewake-s3} artifact on the class
     * path. Each replica uploads on its own: an outage, a slow store or another writer on one never
     * holds back another, and the local spool keeps an object until every replica has it.
     *
     * @param first the replica location
     * @param more further replica locations, all different
     * @return this builder
     */
    public Builder to(URI first, URI... more) {
      Checks.requireNonNull(first, "uri");
      Checks.requireNonNull(more, "more");
      requireNoReplica();
      List<URI> all = new ArrayList<>();
      all.add(first);
      all.addAll(Arrays.asList(more));
      List<String> problems = new ArrayList<>();
      for (URI u : all) {
        if (u == null) {
          problems.add("a replica URI is null");
        } else if (u.getScheme() == null) {
          problems.add("replica URI '" + Redact.uri(u) + "' has no scheme: use s3://bucket/prefix or file:///dir");
        }
      }
      if (problems.isEmpty() && new HashSet<>(all).size() < all.size()) {
        problems.add("the same replica URI is given twice: " + all.stream().map(Redact::uri).toList());
      }
      Checks.requireArgument(problems.isEmpty(), String.join("; ", problems));
      this.uris = List.copyOf(all);
      return this;
    }

    /**
     * Replicates to replicas the caller created (and closes), each uploading on its own.
     *
     * @param first the replica
     * @param more further replicas
     * @return this builder
     */
    public Builder to(Replica first, Replica... more) {
      Checks.requireNonNull(first, "replica");
      Checks.requireNonNull(more, "more");
      requireNoReplica();
      List<Replica> all = new ArrayList<>();
      all.add(first);
      for (Replica r : more) {
        all.add(Checks.requireNonNull(r, "replica"));
      }
      this.replicas = List.copyOf(all);
      return this;
    }

    @Override
    Builder self() {
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
     * Checks the configuration and the database, verifies or starts a generation, and starts
     * replicating in the background.
     *
     * @return the running replicator
     * @throws LitewakeException if the database or the replica cannot be used; the message names
     *     both, the problem and the fix, and nothing was changed on disk
     * @throws IllegalStateException if no replica was set, or checkpoint limits contradict
     */
    public Replicator start() {
      Checks.requireState(uris != null || replicas != null, "no replica: call to(URI) or to(Replica) before start()");
      Path db = database != null ? database : fileOf(dataSource);
      String target = uris != null ? String.join(" ", uris.stream().map(Redact::uri).toList())
          : String.join(" ", replicas.stream().map(Replica::location).toList());
      String context = "cannot start replication of " + db + " to " + target + ": ";
      checkOptions();
      db = checkDatabase(db, context);
      Path spool = spoolDirectory != null ? spoolDirectory
          : db.resolveSibling("." + db.getFileName() + "-litewake");
      List<Replica> rs = replicas;
      boolean owns = false;
      if (rs == null) {
        rs = new ArrayList<>();
        try {
          for (URI u : uris) {
            rs.add(Replicas.open(u));
          }
        } catch (LitewakeException e) {
          rs.forEach(Replica::close);
          throw new LitewakeException(context + e.getMessage(), e);
        }
        owns = true;
      }
      return start(db, rs, owns, spool, null, context);
    }

    private void requireNoReplica() {
      if (uris != null || replicas != null) {
        throw new IllegalStateException("replica was already set to "
            + (uris != null ? uris.stream().map(Redact::uri).toList() : replicas.stream().map(Replica::location).toList()));
      }
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

    static Path checkDatabase(Path db, String context) {
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
