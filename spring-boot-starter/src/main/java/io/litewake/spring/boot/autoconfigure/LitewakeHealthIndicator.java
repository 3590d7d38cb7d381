package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicaStatus;
import io.litewake.ReplicationStatus;
import io.litewake.Replicator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code litewake} health indicator: UP while replication keeps up, DOWN when another
 * instance took over the replica (this one is fenced and no longer uploads), when uploads have
 * failed for longer than {@code litewake.health.max-failure-time}, or when the replication lag
 * exceeds {@code litewake.health.max-lag}. Details: database, replica, position, lag, pending
 * bytes, last upload, last error, fenced, and the reason when DOWN. Built from {@link
 * Replicator#status()}, which never waits for replication work. Created by {@link
 * LitewakeAutoConfiguration}; disable it with {@code management.health.litewake.enabled=false}.
 */
public final class LitewakeHealthIndicator implements HealthIndicator {
  private final Replicator replicator;
  private final UploadFailures failures;
  private final LitewakeHealthProperties bounds;
  private final Clock clock;

  LitewakeHealthIndicator(Replicator replicator, UploadFailures failures, LitewakeHealthProperties bounds,
      Clock clock) {
    this.replicator = Objects.requireNonNull(replicator, "replicator");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.bounds = Objects.requireNonNull(bounds, "bounds");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Checks the replicator's status against the bounds.
   *
   * @return UP or DOWN, with the details
   */
  @Override
  public Health health() {
    ReplicationStatus st = replicator.status();
    Map<String, Object> details = StatusDetails.of(st);
    List<String> problems = new ArrayList<>();
    Instant now = clock.instant();
    for (ReplicaStatus r : st.replicas()) {
      if (r.fenced()) {
        problems.add("fenced: another instance took over " + r.location() + "; this one no longer uploads");
        continue;
      }
      Optional<Instant> since = r.lastError().isPresent() ? failures.failingSince(r.location()) : Optional.empty();
      if (since.isPresent()) {
        Duration failing = Duration.between(since.get(), now);
        details.put("failingSince", since.get().toString());
        if (failing.compareTo(bounds.getMaxFailureTime()) > 0) {
          problems.add("uploads to " + r.location() + " have failed for " + failing.withNanos(0)
              + " (litewake.health.max-failure-time " + bounds.getMaxFailureTime() + "): " + r.lastError().get());
        }
      }
    }
    if (st.lag().compareTo(bounds.getMaxLag()) > 0) {
      problems.add("replication lag " + st.lag() + " exceeds litewake.health.max-lag " + bounds.getMaxLag());
    }
    Health.Builder h = problems.isEmpty() ? Health.up() : Health.down();
    if (!problems.isEmpty()) {
      details.put("reason", String.join("; ", problems));
    }
    return h.withDetails(details).build();
  }
}
