package io.litewake;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@link Restore} did: either it wrote a database (then the position and point in time
 * restored are present) or it skipped the restore (then {@link #skipped()} says why and the
 * position is empty). {@link ReplicatorGroup#restoreAll} also reports a database whose restore
 * failed, with {@link #failure()}, so that one damaged replica does not hide the others.
 * Immutable; equal when every component is equal.
 */
public final class RestoreResult {

  /** Why a restore wrote nothing, without failing. */
  public enum SkipReason {
    /** The output file exists and {@link Restore#ifDatabaseMissing()} was called. */
    DATABASE_EXISTS("the database exists"),
    /** The replica holds no generation and {@link Restore#ifReplicaExists()} was called. */
    REPLICA_EMPTY("the replica is empty");

    private final String description;

    SkipReason(String description) {
      this.description = description;
    }
  }

  private final Path database;
  private final SkipReason skipped;
  private final String generation;
  private final long snapshotIndex;
  private final long index;
  private final long offset;
  private final Instant pointInTime;
  private final long databaseBytes;
  private final int objects;
  private final long downloadedBytes;
  private final Duration elapsed;
  private final LitewakeException failure;

  private RestoreResult(Path database, SkipReason skipped, String generation, long snapshotIndex, long index,
      long offset, Instant pointInTime, long databaseBytes, int objects, long downloadedBytes, Duration elapsed) {
    this.database = Objects.requireNonNull(database, "database");
    this.skipped = skipped;
    this.generation = generation;
    this.snapshotIndex = snapshotIndex;
    this.index = index;
    this.offset = offset;
    this.pointInTime = pointInTime;
    this.databaseBytes = databaseBytes;
    this.objects = objects;
    this.downloadedBytes = downloadedBytes;
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    this.failure = null;
  }

  private RestoreResult(Path database, LitewakeException failure, Duration elapsed) {
    this.database = Objects.requireNonNull(database, "database");
    this.skipped = null;
    this.generation = null;
    this.snapshotIndex = -1;
    this.index = -1;
    this.offset = -1;
    this.pointInTime = null;
    this.databaseBytes = -1;
    this.objects = 0;
    this.downloadedBytes = 0;
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /**
   * The result of a restore that failed, as {@link ReplicatorGroup#restoreAll} reports it (a
   * single {@link Restore#run()} throws instead). Nothing was written at {@code database}.
   *
   * @param database the output path
   * @param failure why it failed
   * @param elapsed how long it ran
   * @return the result
   * @throws NullPointerException if a reference is null
   */
  public static RestoreResult failed(Path database, LitewakeException failure, Duration elapsed) {
    return new RestoreResult(database, failure, elapsed);
  }

  /**
   * Why the restore failed, when it did (only in {@link ReplicatorGroup#restoreAll} results).
   *
   * @return the failure, empty when the restore wrote a database or was skipped
   */
  public Optional<LitewakeException> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * The result of a restore that wrote a database.
   *
   * @param database the output path
   * @param generation the generation restored
   * @param snapshotIndex the WAL index of the snapshot used
   * @param index the last WAL index applied
   * @param offset the end offset in that WAL of the last frame applied (0 when no WAL was applied)
   * @param pointInTime the timestamp of the newest object applied
   * @param databaseBytes the size of the restored file
   * @param objects how many objects were read
   * @param downloadedBytes how many (compressed) bytes were read
   * @param elapsed how long the restore took
   * @return the result
   * @throws NullPointerException if a reference is null
   * @throws IllegalArgumentException if a number is negative
   */
  public static RestoreResult restored(Path database, String generation, long snapshotIndex, long index,
      long offset, Instant pointInTime, long databaseBytes, int objects, long downloadedBytes, Duration elapsed) {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(pointInTime, "pointInTime");
    if (snapshotIndex < 0 || index < 0 || offset < 0 || databaseBytes < 0 || objects < 0 || downloadedBytes < 0) {
      throw new IllegalArgumentException("negative number in a restore result: snapshotIndex " + snapshotIndex
          + ", index " + index + ", offset " + offset + ", databaseBytes " + databaseBytes + ", objects " + objects
          + ", downloadedBytes " + downloadedBytes);
    }
    return new RestoreResult(database, null, generation, snapshotIndex, index, offset, pointInTime, databaseBytes,
        objects, downloadedBytes, elapsed);
  }

  /**
   * The result of a restore that wrote nothing, without failing.
   *
   * @param database the output path
   * @param reason why nothing was written
   * @param elapsed how long the call took
   * @return the result
   * @throws NullPointerException if an argument is null
   */
  public static RestoreResult skipped(Path database, SkipReason reason, Duration elapsed) {
    Objects.requireNonNull(reason, "reason");
    return new RestoreResult(database, reason, null, -1, -1, -1, null, -1, 0, 0, elapsed);
  }

  /**
   * The output path, as given to {@link Restore#to(Path)}.
   *
   * @return the database path
   */
  public Path database() {
    return database;
  }

  /**
   * Whether a database was written.
   *
   * @return false when the restore was skipped (see {@link #skipped()})
   */
  public boolean restored() {
    return skipped == null && failure == null;
  }

  /**
   * Why nothing was written, when the restore was skipped by {@link Restore#ifDatabaseMissing()}
   * or {@link Restore#ifReplicaExists()}.
   *
   * @return the reason, empty when a database was written
   */
  public Optional<SkipReason> skipped() {
    return Optional.ofNullable(skipped);
  }

  /**
   * The generation restored.
   *
   * @return its id, empty when skipped
   */
  public Optional<String> generation() {
    return Optional.ofNullable(generation);
  }

  /**
   * The WAL index of the snapshot the restore started from.
   *
   * @return the index, empty when skipped
   */
  public OptionalLong snapshotIndex() {
    return optional(snapshotIndex);
  }

  /**
   * The last WAL index applied (the snapshot's when no WAL segment was).
   *
   * @return the index, empty when skipped
   */
  public OptionalLong index() {
    return optional(index);
  }

  /**
   * The end offset, in WAL {@link #index()}, of the last frame applied.
   *
   * @return the offset (0 when no WAL segment was applied), empty when skipped
   */
  public OptionalLong offset() {
    return optional(offset);
  }

  /**
   * The point in time restored: the storage timestamp of the newest object applied.
   *
   * @return the timestamp, empty when skipped
   */
  public Optional<Instant> pointInTime() {
    return Optional.ofNullable(pointInTime);
  }

  /**
   * The size of the restored database file.
   *
   * @return bytes, empty when skipped
   */
  public OptionalLong databaseBytes() {
    return optional(databaseBytes);
  }

  /**
   * How many objects were read from the replica.
   *
   * @return a count, 0 when skipped
   */
  public int objects() {
    return objects;
  }

  /**
   * How many (stored, compressed) bytes were read from the replica.
   *
   * @return bytes, 0 when skipped
   */
  public long downloadedBytes() {
    return downloadedBytes;
  }

  /**
   * How long the restore took, from the call of {@link Restore#run()} (opening the replica
   * included) to the database in place.
   *
   * @return the duration
   */
  public Duration elapsed() {
    return elapsed;
  }

  private OptionalLong optional(long value) {
    return skipped == null && failure == null ? OptionalLong.of(value) : OptionalLong.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RestoreResult r && database.equals(r.database) && skipped == r.skipped
        && Objects.equals(generation, r.generation) && snapshotIndex == r.snapshotIndex && index == r.index
        && offset == r.offset && Objects.equals(pointInTime, r.pointInTime) && databaseBytes == r.databaseBytes
        && objects == r.objects && downloadedBytes == r.downloadedBytes && elapsed.equals(r.elapsed)
        && Objects.equals(failure, r.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, skipped, generation, snapshotIndex, index, offset, pointInTime, databaseBytes,
        objects, downloadedBytes, elapsed);
  }

  /**
   * A one-line summary.
   *
   * @return for example {@code RestoreResult[data/orders.db: generation 0123456789abcdef, snapshot
   *     index 0, up to index 3 offset 4152, as of 2026-01-01T00:00:00Z, 8192 bytes, 5 objects
   *     (2100 bytes) in 42 ms]} or {@code RestoreResult[data/orders.db: skipped, the database
   *     exists (DATABASE_EXISTS)]}
   */
  @Override
  public String toString() {
    if (failure != null) {
      return "RestoreResult[" + database + ": failed, " + failure.getMessage() + "]";
    }
    if (skipped != null) {
      return "RestoreResult[" + database + ": skipped, " + skipped.description + " (" + skipped + ")]";
    }
    return String.format("RestoreResult[%s: generation %s, snapshot index %d, up to index %d offset %d, "
            + "as of %s, %d bytes, %d objects (%d bytes) in %d ms]",
        database, generation, snapshotIndex, index, offset, pointInTime, databaseBytes, objects,
        downloadedBytes, elapsed.toMillis());
  }
}
