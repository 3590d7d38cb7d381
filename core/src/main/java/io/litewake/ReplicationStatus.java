package io.litewake;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An immutable view of a running {@link Replicator}: where replication stands and how far each
 * replica is behind. {@link Replicator#status()} builds it without waiting for replication work.
 *
 * @param database the database file name, as log lines name it
 * @param position the last committed frame copied locally (into the spool)
 * @param lag the age of the oldest commit not yet in every replica; {@link Duration#ZERO} when
 *     every replica is level
 * @param pendingBytes spooled bytes not yet in every replica
 * @param fenced true once another writer took over a replica
 * @param replicas the status of each replica, in the order they were configured
 */
public record ReplicationStatus(
    String database, Position position, Duration lag, long pendingBytes, boolean fenced,
    List<ReplicaStatus> replicas) {

  /**
   * Validates the components and copies the list.
   *
   * @param database see the record component
   * @param position see the record component
   * @param lag see the record component
   * @param pendingBytes see the record component
   * @param fenced see the record component
   * @param replicas see the record component
   * @throws NullPointerException if a reference is null
   */
  public ReplicationStatus {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(lag, "lag");
    replicas = List.copyOf(replicas);
  }
}
