package io.litewake;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a replica holds, as listed by {@link Restore#list()}: its generations with their
 * snapshots, WAL segments and time bounds, and the objects under the prefix that are not part of
 * the layout (they are ignored by restores and never deleted).
 *
 * @param location where the replica lives, secrets masked
 * @param generations the generations, oldest first (by the timestamp of their newest object)
 * @param ignoredKeys keys under {@code generations/} that do not follow the layout
 * @param claimedGeneration the generation that the live Litewake writer claimed (object
 *     {@code litewake/writer.properties}); read only when the replica holds more than one
 *     generation (only then can it change which one is latest), else empty
 */
public record ReplicaContents(String location, List<Generation> generations, List<String> ignoredKeys,
    Optional<String> claimedGeneration) {

  /**
   * Contents without a writer claim (a replica written by Litestream, or listed without reading it).
   *
   * @param location see the record component
   * @param generations see the record component
   * @param ignoredKeys see the record component
   */
  public ReplicaContents(String location, List<Generation> generations, List<String> ignoredKeys) {
    this(location, generations, ignoredKeys, Optional.empty());
  }

  /**
   * Copies the lists.
   *
   * @throws NullPointerException if a component is null
   *
   * @param location see the record component
   * @param generations see the record component
   * @param ignoredKeys see the record component
   * @param claimedGeneration see the record component
   */
  public ReplicaContents {
    Objects.requireNonNull(location, "location");
    generations = List.copyOf(generations);
    ignoredKeys = List.copyOf(ignoredKeys);
    Objects.requireNonNull(claimedGeneration, "claimedGeneration");
  }

  /**
   * The generation with the newest object among those not {@linkplain Generation#fenced() fenced}:
   * the live writer's history, the one a restore of the latest state uses (when it has a snapshot).
   *
   * @return the latest generation, empty when the replica holds none
   */
  public Optional<Generation> latest() {
    for (int i = generations.size() - 1; i >= 0; i--) {
      if (!generations.get(i).fenced()) {
        return Optional.of(generations.get(i));
      }
    }
    return generations.isEmpty() ? Optional.empty() : Optional.of(generations.get(generations.size() - 1));
  }

  /**
   * The generation with the given id.
   *
   * @param id 16 lowercase hex digits
   * @return the generation, empty if the replica has none with that id
   */
  public Optional<Generation> generation(String id) {
    return generations.stream().filter(g -> g.id().equals(id)).findFirst();
  }

  /**
   * Whether the replica holds no generation at all.
   *
   * @return true when there is nothing to restore
   */
  public boolean isEmpty() {
    return generations.isEmpty();
  }
}
