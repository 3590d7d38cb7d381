package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicationListener;
import io.litewake.Replicator;

/**
 * A part of the starter that listens to the replicator and learns when it started (the upload
 * failure clock of the health indicator, the meters). Beans of this type are wired into the
 * replicator's listener before it starts.
 */
interface ReplicatorHook {
  /** The listener to add; called once, before the replicator starts. */
  ReplicationListener listener();

  /** The replicator has started. */
  default void started(Replicator replicator) {}
}
