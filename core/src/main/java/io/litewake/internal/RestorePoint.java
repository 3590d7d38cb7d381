package io.litewake.internal;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which state a restore asks for: the latest, the newest not after a point in time, or the end of
 * a WAL index, optionally within a chosen generation. Immutable.
 *
 * @param generation restore this generation instead of the latest one
 * @param at restore the newest state whose objects are not newer than this
 * @param index restore up to the end of this WAL index (inclusive) of the generation
 */
public record RestorePoint(Optional<String> generation, Optional<Instant> at, OptionalLong index) {

  /**
   * Validates the components.
   *
   * @param generation see the record component
   * @param at see the record component
   * @param index see the record component
   */
  public RestorePoint {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(index, "index");
  }

  /**
   * The latest state of the latest generation that has a snapshot.
   *
   * @return a point with nothing chosen
   */
  public static RestorePoint latest() {
    return new RestorePoint(Optional.empty(), Optional.empty(), OptionalLong.empty());
  }

  /**
   * This point within the generation {@code id}.
   *
   * @param id a generation id
   * @return a new point
   */
  public RestorePoint inGeneration(String id) {
    return new RestorePoint(Optional.of(id), at, index);
  }

  /**
   * This point, not newer than {@code instant}.
   *
   * @param instant the point in time
   * @return a new point
   */
  public RestorePoint at(Instant instant) {
    return new RestorePoint(generation, Optional.of(instant), index);
  }

  /**
   * This point, up to the end of WAL index {@code walIndex}.
   *
   * @param walIndex a WAL index of the generation
   * @return a new point
   */
  public RestorePoint upToIndex(long walIndex) {
    return new RestorePoint(generation, at, OptionalLong.of(walIndex));
  }
}
