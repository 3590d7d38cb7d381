package io.litewake;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one replica of a running {@link Replicator}, as seen at one moment.
 *
 * @param location where the replica lives, secrets masked
 * @param replicatedPosition the position up to which the replica holds the history, if any was
 *     uploaded by this replicator yet
 * @param lag the age of the oldest commit not yet in this replica; {@link Duration#ZERO} when level
 * @param pendingBytes spooled bytes not yet in this replica
 * @param lastUploadAt when an object last reached this replica, if one did
 * @param lastError the last failure talking to this replica, if the last attempt failed
 * @param fenced true once another writer took over this replica
 */
public record ReplicaStatus(
    String location,
    Optional<Position> replicatedPosition,
    Duration lag,
    long pendingBytes,
    Optional<Instant> lastUploadAt,
    Optional<String> lastError,
    boolean fenced) {

  /**
   * Validates the components.
   *
   * @param location see the record component
   * @param replicatedPosition see the record component
   * @param lag see the record component
   * @param pendingBytes see the record component
   * @param lastUploadAt see the record component
   * @param lastError see the record component
   * @param fenced see the record component
   * @throws NullPointerException if a reference is null
   */
  public ReplicaStatus {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(replicatedPosition, "replicatedPosition");
    Objects.requireNonNull(lag, "lag");
    Objects.requireNonNull(lastUploadAt, "lastUploadAt");
    Objects.requireNonNull(lastError, "lastError");
  }
}
