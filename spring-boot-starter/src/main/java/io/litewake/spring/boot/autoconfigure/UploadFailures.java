package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicationListener;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * When the current run of failed uploads to each replica began, for the health indicator's
 * {@code max-failure-time}. Written by the listener on Litewake's threads (a concurrent map),
 * read by health checks.
 */
final class UploadFailures implements ReplicatorHook {
  private final Clock clock;
  private final ConcurrentMap<String, Instant> since = new ConcurrentHashMap<>();
  private final ReplicationListener listener = new ReplicationListener() {
    @Override
    public void uploaded(String replica, String key, long bytes, boolean snapshot) {
      since.remove(replica);
    }

    @Override
    public void uploadFailed(String replica, String key, boolean snapshot, Exception error, int failures) {
      since.putIfAbsent(replica, clock.instant());
    }
  };

  UploadFailures(Clock clock) {
    this.clock = clock;
  }

  @Override
  public ReplicationListener listener() {
    return listener;
  }

  /** When uploads to {@code replica} started failing, if the last attempt failed. */
  Optional<Instant> failingSince(String replica) {
    return Optional.ofNullable(since.get(replica));
  }
}
