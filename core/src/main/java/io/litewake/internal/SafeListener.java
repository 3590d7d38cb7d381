package io.litewake.internal;

import io.litewake.ReplicationListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Calls the user's {@link ReplicationListener} so that a callback that throws never disturbs
 * replication: the first failure is logged at WARN, later ones at DEBUG. Stateless but for that
 * flag (atomic).
 */
final class SafeListener implements ReplicationListener {
  private final ReplicationListener target;
  private final Logger log;
  private final String name;
  private final AtomicBoolean warned = new AtomicBoolean();

  SafeListener(ReplicationListener target, Logger log, String name) {
    this.target = target;
    this.log = log;
    this.name = name;
  }

  private void call(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | AssertionError | LinkageError e) {
      if (warned.compareAndSet(false, true)) {
        log.warn("litewake [{}]: the replication listener failed in {}; ignored: {}", name, what, e.toString(), e);
      } else {
        log.debug("litewake [{}]: the replication listener failed in {}: {}", name, what, e.toString());
      }
    }
  }

  @Override
  public void uploaded(String replica, String key, long bytes, boolean snapshot) {
    call("uploaded", () -> target.uploaded(replica, key, bytes, snapshot));
  }

  @Override
  public void uploadFailed(String replica, String key, boolean snapshot, Exception error, int failures) {
    call("uploadFailed", () -> target.uploadFailed(replica, key, snapshot, error, failures));
  }

  @Override
  public void snapshotTaken(String key, long bytes) {
    call("snapshotTaken", () -> target.snapshotTaken(key, bytes));
  }

  @Override
  public void generationStarted(String generation, String reason) {
    call("generationStarted", () -> target.generationStarted(generation, reason));
  }

  @Override
  public void spoolOverflowed(int droppedObjects, long droppedBytes) {
    call("spoolOverflowed", () -> target.spoolOverflowed(droppedObjects, droppedBytes));
  }

  @Override
  public void fenced(String replica, String reason) {
    call("fenced", () -> target.fenced(replica, reason));
  }

  @Override
  public void synced(Duration elapsed) {
    call("synced", () -> target.synced(elapsed));
  }
}
