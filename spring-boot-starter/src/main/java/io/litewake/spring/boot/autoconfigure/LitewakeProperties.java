package io.litewake.spring.boot.autoconfigure;

import io.litewake.Compression;
import io.litewake.IntegrityCheck;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of Litewake in a Spring Boot application, under {@code litewake.*}. Litewake is on
 * only when {@link #setReplica(String) litewake.replica} is set. Options left unset keep the
 * library's defaults (see {@link io.litewake.Replicator.Builder}). Every setter checks its value at
 * once; a bad value fails the application's start with a message naming the property and the
 * value.
 */
@ConfigurationProperties("litewake")
public class LitewakeProperties {

  /** Where the database is replicated: s3://bucket/prefix[?endpoint=...] or file:///dir. Litewake is on only when this is set. */
  private URI replica;
  /** The SQLite database file to restore and replicate. Default: the path of spring.datasource.url when it is jdbc:sqlite:PATH. */
  private Path database;
  /** Whether to restore the database from the replica at startup, before the DataSource opens it, when the database file is missing and the replica holds one. */
  private boolean restoreOnStartup = true;
  /** How often committed transactions are copied from the WAL into the local spool and uploaded (library default 1s). */
  private Duration syncInterval;
  /** How often a snapshot of the whole database is written, when it changed (library default 24h). */
  private Duration snapshotInterval;
  private Double snapshotWalRatio;
  private Integer snapshotWalObjects;
  private IntegrityCheck restoreIntegrityCheck;
  /** How far back point-in-time restores stay possible; older objects are deleted (library default 24h). */
  private Duration retention;
  /** How objects are compressed: zstd (library default) or lz4 (restorable by Litestream v0.3). */
  private Compression compression;
  /** Where pending uploads and the replication state are kept (library default: .<database file name>-litewake beside the database). */
  private Path spoolDirectory;
  /** How many bytes of WAL the spool holds while the store is unreachable; past it a new generation starts from a snapshot (library default 1GB). */
  private DataSize spoolLimit;
  /** How long Replicator.sync() waits for the store (library default 1m). */
  private Duration syncTimeout;
  /** How long closing the application waits for pending uploads; the rest stays in the spool for the next start (library default 10s). */
  private Duration closeTimeout;
  /** How often, at most, an uploading replicator checks that no other instance took over the replica (library default 10s). */
  private Duration fencingCheckInterval;
  /** WAL pages above which a PASSIVE checkpoint runs after copying (library default 1000). */
  private Integer minCheckpointPages;
  /** WAL pages above which the WAL is copied and checkpointed under a brief write lock (library default 10000). */
  private Integer maxCheckpointPages;
  @NestedConfigurationProperty private final LitewakeHealthProperties health = new LitewakeHealthProperties();

  /** Creates the properties with their defaults. */
  public LitewakeProperties() {}

  /**
   * Where the database is replicated: {@code s3://bucket/prefix[?endpoint=...]} or {@code
   * file:///dir}, as written in the configuration (percent-encoding kept as is). Litewake is on
   * only when this is set.
   *
   * @return the replica location, or null when Litewake is off
   */
  public String getReplica() {
    return replica == null ? null : replica.toString();
  }

  /**
   * Sets {@code litewake.replica}.
   *
   * @param replica the replica location, a URI with a scheme ({@code s3} or {@code file}); blank
   *     means unset
   * @throws IllegalArgumentException if it is not a URI or has no scheme (the message masks secrets)
   */
  public void setReplica(String replica) {
    if (replica == null || replica.isBlank()) {
      this.replica = null;
      return;
    }
    URI uri;
    try {
      uri = new URI(replica.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("litewake.replica '" + Masking.text(replica) + "' is not a URI: "
          + e.getReason() + " at index " + e.getIndex() + "; percent-encode reserved characters", e);
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("litewake.replica '" + Masking.uri(uri)
          + "' has no scheme: use s3://bucket/prefix or file:///dir");
    }
    this.replica = uri;
  }

  /**
   * The replica location as a URI.
   *
   * @return the URI of {@link #getReplica()}, or null when Litewake is off
   */
  public URI replicaUri() {
    return replica;
  }

  /**
   * The SQLite database file to restore and replicate. Default: the path of {@code
   * spring.datasource.url} when it is {@code jdbc:sqlite:PATH}.
   *
   * @return the database file, or null to take it from {@code spring.datasource.url}
   */
  public Path getDatabase() {
    return database;
  }

  /**
   * Sets {@code litewake.database}.
   *
   * @param database the database file
   */
  public void setDatabase(Path database) {
    this.database = database;
  }

  /**
   * Whether to restore the database from the replica at startup when the database file is missing
   * and the replica holds one (default true). The restore runs before the {@code DataSource} (and
   * Flyway or Liquibase) opens the database.
   *
   * @return true to restore on startup
   */
  public boolean isRestoreOnStartup() {
    return restoreOnStartup;
  }

  /**
   * Sets {@code litewake.restore-on-startup}.
   *
   * @param restoreOnStartup true to restore a missing database on startup
   */
  public void setRestoreOnStartup(boolean restoreOnStartup) {
    this.restoreOnStartup = restoreOnStartup;
  }

  /**
   * How often committed transactions are copied from the WAL (library default 1s).
   *
   * @return the interval, or null for the default
   */
  public Duration getSyncInterval() {
    return syncInterval;
  }

  /**
   * Sets {@code litewake.sync-interval}.
   *
   * @param syncInterval a positive duration
   * @throws IllegalArgumentException if it is not positive
   */
  public void setSyncInterval(Duration syncInterval) {
    this.syncInterval = positive("litewake.sync-interval", syncInterval);
  }

  /**
   * How often a snapshot of the whole database is written, when it changed (library default 24h).
   *
   * @return the interval, or null for the default
   */
  public Duration getSnapshotInterval() {
    return snapshotInterval;
  }

  /**
   * Sets {@code litewake.snapshot-interval}.
   *
   * @param snapshotInterval a positive duration
   * @throws IllegalArgumentException if it is not positive
   */
  public void setSnapshotInterval(Duration snapshotInterval) {
    this.snapshotInterval = positive("litewake.snapshot-interval", snapshotInterval);
  }

  /**
   * A snapshot is also taken once the WAL since the last one passes this multiple of the
   * database's size (library default 1.0), so that a restore reads about the database.
   *
   * @return the multiple, or null for the default
   */
  public Double getSnapshotWalRatio() {
    return snapshotWalRatio;
  }

  /**
   * Sets {@code litewake.snapshot-wal-ratio}.
   *
   * @param snapshotWalRatio a positive number
   * @throws IllegalArgumentException if it is not positive
   */
  public void setSnapshotWalRatio(Double snapshotWalRatio) {
    if (snapshotWalRatio != null && !(snapshotWalRatio > 0 && Double.isFinite(snapshotWalRatio))) {
      throw new IllegalArgumentException("litewake.snapshot-wal-ratio must be a positive finite number (such as 0.5 or 4), was " + snapshotWalRatio);
    }
    this.snapshotWalRatio = snapshotWalRatio;
  }

  /**
   * A snapshot is also taken once this many WAL segments were uploaded since the last one (library
   * default 3600).
   *
   * @return the count, or null for the default
   */
  public Integer getSnapshotWalObjects() {
    return snapshotWalObjects;
  }

  /**
   * Sets {@code litewake.snapshot-wal-objects}.
   *
   * @param snapshotWalObjects a positive count
   * @throws IllegalArgumentException if it is not positive
   */
  public void setSnapshotWalObjects(Integer snapshotWalObjects) {
    this.snapshotWalObjects = positive("litewake.snapshot-wal-objects", snapshotWalObjects);
  }

  /**
   * The SQLite check of a restore on startup before the file is moved into place: {@code full}
   * ({@code PRAGMA integrity_check}, library default), {@code quick} or {@code none}.
   *
   * @return the check, or null for the default
   */
  public IntegrityCheck getRestoreIntegrityCheck() {
    return restoreIntegrityCheck;
  }

  /**
   * Sets {@code litewake.restore-integrity-check}.
   *
   * @param restoreIntegrityCheck the check
   */
  public void setRestoreIntegrityCheck(IntegrityCheck restoreIntegrityCheck) {
    this.restoreIntegrityCheck = restoreIntegrityCheck;
  }

  /**
   * How far back point-in-time restores stay possible (library default 24h).
   *
   * @return the retention, or null for the default
   */
  public Duration getRetention() {
    return retention;
  }

  /**
   * Sets {@code litewake.retention}.
   *
   * @param retention a positive duration
   * @throws IllegalArgumentException if it is not positive
   */
  public void setRetention(Duration retention) {
    this.retention = positive("litewake.retention", retention);
  }

  /**
   * How objects are compressed: {@code zstd} (library default) or {@code lz4} (readable by
   * Litestream v0.3).
   *
   * @return the compression, or null for the default
   */
  public Compression getCompression() {
    return compression;
  }

  /**
   * Sets {@code litewake.compression}.
   *
   * @param compression the codec
   */
  public void setCompression(Compression compression) {
    this.compression = compression;
  }

  /**
   * Where pending uploads and the replication state are kept (library default: {@code
   * .<database file name>-litewake} beside the database).
   *
   * @return the spool directory, or null for the default
   */
  public Path getSpoolDirectory() {
    return spoolDirectory;
  }

  /**
   * Sets {@code litewake.spool-directory}.
   *
   * @param spoolDirectory the directory, on local storage that lives as long as the database
   */
  public void setSpoolDirectory(Path spoolDirectory) {
    this.spoolDirectory = spoolDirectory;
  }

  /**
   * How many bytes of WAL the spool holds while the store is unreachable (library default 1GB).
   *
   * @return the limit, or null for the default
   */
  public DataSize getSpoolLimit() {
    return spoolLimit;
  }

  /**
   * Sets {@code litewake.spool-limit}, for example {@code 512MB}.
   *
   * @param spoolLimit a positive size
   * @throws IllegalArgumentException if it is not positive
   */
  public void setSpoolLimit(DataSize spoolLimit) {
    if (spoolLimit != null && spoolLimit.toBytes() <= 0) {
      throw new IllegalArgumentException("litewake.spool-limit must be positive, was " + spoolLimit);
    }
    this.spoolLimit = spoolLimit;
  }

  /**
   * How long {@code Replicator.sync()} waits for the store (library default 1m).
   *
   * @return the timeout, or null for the default
   */
  public Duration getSyncTimeout() {
    return syncTimeout;
  }

  /**
   * Sets {@code litewake.sync-timeout}.
   *
   * @param syncTimeout a positive duration
   * @throws IllegalArgumentException if it is not positive
   */
  public void setSyncTimeout(Duration syncTimeout) {
    this.syncTimeout = positive("litewake.sync-timeout", syncTimeout);
  }

  /**
   * How long closing the application waits for pending uploads (library default 10s); what is not
   * uploaded by then stays in the spool for the next start.
   *
   * @return the timeout, or null for the default
   */
  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  /**
   * Sets {@code litewake.close-timeout}.
   *
   * @param closeTimeout a positive duration
   * @throws IllegalArgumentException if it is not positive
   */
  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = positive("litewake.close-timeout", closeTimeout);
  }

  /**
   * How often, at most, an uploading replicator checks that no other instance took over the
   * replica (library default 10s).
   *
   * @return the interval, or null for the default
   */
  public Duration getFencingCheckInterval() {
    return fencingCheckInterval;
  }

  /**
   * Sets {@code litewake.fencing-check-interval}.
   *
   * @param fencingCheckInterval a positive duration
   * @throws IllegalArgumentException if it is not positive
   */
  public void setFencingCheckInterval(Duration fencingCheckInterval) {
    this.fencingCheckInterval = positive("litewake.fencing-check-interval", fencingCheckInterval);
  }

  /**
   * WAL pages above which a PASSIVE checkpoint runs after copying (library default 1000).
   *
   * @return the page count, or null for the default
   */
  public Integer getMinCheckpointPages() {
    return minCheckpointPages;
  }

  /**
   * Sets {@code litewake.min-checkpoint-pages}.
   *
   * @param minCheckpointPages a positive page count
   * @throws IllegalArgumentException if it is not positive
   */
  public void setMinCheckpointPages(Integer minCheckpointPages) {
    this.minCheckpointPages = positive("litewake.min-checkpoint-pages", minCheckpointPages);
  }

  /**
   * WAL pages above which the WAL is copied and checkpointed under a brief write lock (library
   * default 10000).
   *
   * @return the page count, or null for the default
   */
  public Integer getMaxCheckpointPages() {
    return maxCheckpointPages;
  }

  /**
   * Sets {@code litewake.max-checkpoint-pages}.
   *
   * @param maxCheckpointPages a positive page count, larger than {@code min-checkpoint-pages}
   * @throws IllegalArgumentException if it is not positive
   */
  public void setMaxCheckpointPages(Integer maxCheckpointPages) {
    this.maxCheckpointPages = positive("litewake.max-checkpoint-pages", maxCheckpointPages);
  }

  /**
   * When the {@code litewake} health indicator reports DOWN.
   *
   * @return the health settings
   */
  public LitewakeHealthProperties getHealth() {
    return health;
  }

  /** {@code d}, unless it is zero or negative (null passes: the default applies). */
  static Duration positive(String property, Duration d) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new IllegalArgumentException(property + " must be positive, was " + d);
    }
    return d;
  }

  private static Integer positive(String property, Integer n) {
    if (n != null && n <= 0) {
      throw new IllegalArgumentException(property + " must be positive, was " + n);
    }
    return n;
  }
}
