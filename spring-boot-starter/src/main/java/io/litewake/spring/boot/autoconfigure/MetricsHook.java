package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicationListener;
import io.litewake.Replicator;
import io.litewake.micrometer.LitewakeMetrics;

/** Feeds {@link LitewakeMetrics} from the replicator: its listener, then its status. Immutable. */
final class MetricsHook implements ReplicatorHook {
  private final LitewakeMetrics metrics;

  MetricsHook(LitewakeMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ReplicationListener listener() {
    return metrics.listener();
  }

  @Override
  public void started(Replicator replicator) {
    metrics.monitor(replicator);
  }
}
