package io.litewake;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An immutable view of a running {@link ReplicatorGroup}: how many databases it replicates, the
 * worst lag among them, what waits in their spools, and the databases furthest behind.
 *
 * @param databases how many databases the group replicates now
 * @param lag the largest {@link ReplicationStatus#lag()} of any member; {@link Duration#ZERO} when
 *     every member is level
 * @param pendingBytes spooled bytes not yet in every replica, all members together
 * @param fenced how many members are fenced
 * @param worst the members with the largest lag, worst first (at most five)
 */
public record GroupStatus(int databases, Duration lag, long pendingBytes, int fenced, List<ReplicationStatus> worst) {

  /**
   * Validates the components and copies the list.
   *
   * @param databases see the record component
   * @param lag see the record component
   * @param pendingBytes see the record component
   * @param fenced see the record component
   * @param worst see the record component
   * @throws NullPointerException if a reference is null
   */
  public GroupStatus {
    Objects.requireNonNull(lag, "lag");
    worst = List.copyOf(worst);
  }
}
