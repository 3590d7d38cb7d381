package io.litewake;

import java.time.Duration;

/**
 * Callbacks from a running {@link Replicator}, for metrics and alerting. Every method has an empty
 * default; implement the ones you need. Callbacks run on Litewake's threads: keep them short and
 * never call back into the replicator from them. An exception thrown by a callback is logged
 * once and otherwise ignored.
 */
public interface ReplicationListener {

  /**
   * An object reached a replica.
   *
   * @param replica the replica's location, secrets masked
   * @param key the object key under the replica's prefix
   * @param bytes the stored (compressed) size
   * @param snapshot true for a snapshot, false for a WAL segment
   */
  default void uploaded(String replica, String key, long bytes, boolean snapshot) {}

  /**
   * An upload (or another request to the store) failed; it is retried.
   *
   * @param replica the replica's location, secrets masked
   * @param key the object being uploaded
   * @param snapshot true for a snapshot, false for a WAL segment
   * @param error the failure
   * @param failures how many attempts in a row have failed, 1 for the first
   */
  default void uploadFailed(String replica, String key, boolean snapshot, Exception error, int failures) {}

  /**
   * A snapshot of the whole database was written into the local spool (it is uploaded next).
   *
   * @param key the snapshot's object key
   * @param bytes its compressed size
   */
  default void snapshotTaken(String key, long bytes) {}

  /**
   * A new generation started: a new history, beginning with a snapshot.
   *
   * @param generation the new generation id
   * @param reason why continuity with the previous history could not be kept
   */
  default void generationStarted(String generation, String reason) {}

  /**
   * The spool passed its limit during a store outage: its pending history was dropped and a new
   * generation starts from a snapshot (the latest state is kept, the point-in-time history of the
   * outage is not).
   *
   * @param droppedObjects how many spooled objects were dropped
   * @param droppedBytes their size
   */
  default void spoolOverflowed(int droppedObjects, long droppedBytes) {}

  /**
   * Another writer took over a replica: this replicator stops uploading to it.
   *
   * @param replica the replica's location, secrets masked
   * @param reason who took over
   */
  default void fenced(String replica, String reason) {}

  /**
   * A {@link Replicator#sync()} call returned normally.
   *
   * @param elapsed how long it took
   */
  default void synced(Duration elapsed) {}
}
