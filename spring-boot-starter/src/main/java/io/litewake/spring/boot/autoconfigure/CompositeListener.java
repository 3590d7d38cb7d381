package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicationListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes every event to each listener in turn; one that throws is logged (at WARN the first time) and
 * does not keep the event from the others. Immutable but for the set of listeners warned about.
 */
final class CompositeListener implements ReplicationListener {
  private static final Logger log = LoggerFactory.getLogger(CompositeListener.class);
  private final String database;
  private final List<ReplicationListener> listeners;
  private final Set<ReplicationListener> warned = ConcurrentHashMap.newKeySet();

  CompositeListener(String database, List<ReplicationListener> listeners) {
    this.database = database;
    this.listeners = List.copyOf(listeners);
  }

  private void each(String event, Consumer<ReplicationListener> call) {
    for (ReplicationListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        if (warned.add(l)) {
          log.warn("litewake [{}]: replication listener {} failed in {}; ignored: {}", database, l, event, e.toString(), e);
        } else {
          log.debug("litewake [{}]: replication listener {} failed in {}: {}", database, l, event, e.toString());
        }
      }
    }
  }

  @Override
  public void uploaded(String replica, String key, long bytes, boolean snapshot) {
    each("uploaded", l -> l.uploaded(replica, key, bytes, snapshot));
  }

  @Override
  public void uploadFailed(String replica, String key, boolean snapshot, Exception error, int failures) {
    each("uploadFailed", l -> l.uploadFailed(replica, key, snapshot, error, failures));
  }

  @Override
  public void snapshotTaken(String key, long bytes) {
    each("snapshotTaken", l -> l.snapshotTaken(key, bytes));
  }

  @Override
  public void generationStarted(String generation, String reason) {
    each("generationStarted", l -> l.generationStarted(generation, reason));
  }

  @Override
  public void spoolOverflowed(int droppedObjects, long droppedBytes) {
    each("spoolOverflowed", l -> l.spoolOverflowed(droppedObjects, droppedBytes));
  }

  @Override
  public void fenced(String replica, String reason) {
    each("fenced", l -> l.fenced(replica, reason));
  }

  @Override
  public void synced(Duration elapsed) {
    each("synced", l -> l.synced(elapsed));
  }
}
