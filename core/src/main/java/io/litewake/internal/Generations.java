package io.litewake.internal;

import io.litewake.ReplicationListener;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;

/**
 * Starts new generations: a fresh id, the history state reset to its index 0 with a snapshot
 * pending, one INFO line with the reason, and the listener told. Used by the pass strand only
 * ({@link Shipping}).
 */
final class Generations {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final HistoryState state;
  private final Clock clock;
  private final Logger log;
  private final String name;
  private final ReplicationListener listener;

  Generations(HistoryState state, Clock clock, Logger log, String name, ReplicationListener listener) {
    this.state = state;
    this.clock = clock;
    this.log = log;
    this.name = name;
    this.listener = listener;
  }

  /** Starts a new generation; its snapshot is written by the next pass. */
  void start(String reason) {
    start(reason, newId());
  }

  /** A new generation id (not yet started). */
  String newId() {
    return newGenerationId(clock.millis());
  }

  /** Starts the new generation {@code id} (made by {@link #newId()}). */
  void start(String reason, String id) {
    state.startGeneration(id);
    log.info("litewake [{}]: new generation {} ({})", name, state.generation, reason);
    listener.generationStarted(state.generation, reason);
  }

  /**
   * A generation id: 16 lowercase hex digits, as Litestream's, that sort by creation time (11
   * digits of milliseconds, then 5 random ones). Object timestamps have one-second resolution on
   * S3; among generations last written in the same second, the newest id is the newest history.
   */
  static String newGenerationId(long millis) {
    return String.format("%011x%05x", millis & 0xfffffffffffL, RANDOM.nextInt(1 << 20));
  }
}
