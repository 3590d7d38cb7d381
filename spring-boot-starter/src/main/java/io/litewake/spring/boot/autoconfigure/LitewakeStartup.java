package io.litewake.spring.boot.autoconfigure;

import io.litewake.RestoreResult;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Litewake auto-configuration did to the database before the application's {@code
 * DataSource} opened it: restored it from the replica, created it (first boot), or found it. A
 * bean of the context, shown by the {@code litewake} actuator endpoint.
 */
public final class LitewakeStartup {
  private final Path database;
  private final String replica;
  private final RestoreResult restore;
  private final boolean createdDatabase;

  LitewakeStartup(Path database, String replica, RestoreResult restore, boolean createdDatabase) {
    this.database = Objects.requireNonNull(database, "database");
    this.replica = Objects.requireNonNull(replica, "replica");
    this.restore = restore;
    this.createdDatabase = createdDatabase;
  }

  /**
   * The database file that is replicated.
   *
   * @return its absolute path
   */
  public Path database() {
    return database;
  }

  /**
   * The replica, as configured by {@code litewake.replica}, secrets masked.
   *
   * @return the replica location
   */
  public String replica() {
    return replica;
  }

  /**
   * The restore on startup: what was restored, or why nothing was ({@link RestoreResult#skipped()}:
   * the database existed, or the replica was empty). Empty when {@code
   * litewake.restore-on-startup} is false.
   *
   * @return the restore result, if a restore was considered
   */
  public Optional<RestoreResult> restore() {
    return Optional.ofNullable(restore);
  }

  /**
   * Whether the database was created, empty and in WAL mode, because there was none and nothing to
   * restore (a first boot).
   *
   * @return true if this start created the database
   */
  public boolean createdDatabase() {
    return createdDatabase;
  }

  @Override
  public String toString() {
    return "LitewakeStartup[" + database + " <- " + replica + ": "
        + (restore != null && restore.restored() ? "restored" : createdDatabase ? "created" : "existing") + "]";
  }
}
