package io.litewake;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link Restore} did.
 *
 * @param database the output path
 * @param restored whether a database was written; false when skipped by {@link
 *     Restore#ifDatabaseMissing()} or {@link Restore#ifReplicaExists()}
 * @param skipReason why nothing was written, or null
 * @param generation the generation restored, or null when skipped
 * @param snapshotIndex the WAL index of the snapshot used, or -1
 * @param index the last WAL index applied, or -1
 * @param offset the end offset in that WAL of the last frame applied, or -1
 * @param pointInTime the timestamp of the newest object applied, or null
 * @param databaseBytes the size of the restored file
 * @param objects how many objects were read
 * @param downloadedBytes how many (compressed) bytes were read
 * @param elapsed how long the restore took, from the call of {@link Restore#run()} (opening the
 *     replica included) to the database in place
 */
public record RestoreResult(
    Path database,
    boolean restored,
    String skipReason,
    String generation,
    long snapshotIndex,
    long index,
    long offset,
    Instant pointInTime,
    long databaseBytes,
    int objects,
    long downloadedBytes,
    Duration elapsed) {

  /**
   * The point in time restored, if a database was written.
   *
   * @return the timestamp of the newest object applied
   */
  public Optional<Instant> restoredPointInTime() {
    return Optional.ofNullable(pointInTime);
  }

  @Override
  public String toString() {
    if (!restored) {
      return "RestoreResult[" + database + ": skipped, " + skipReason + "]";
    }
    return String.format("RestoreResult[%s: generation %s, snapshot index %d, up to index %d offset %d, "
            + "as of %s, %d bytes, %d objects (%d bytes) in %d ms]",
        database, generation, snapshotIndex, index, offset, pointInTime, databaseBytes, objects,
        downloadedBytes, elapsed.toMillis());
  }
}
