package io.litewake.spring.boot.autoconfigure;

import io.litewake.Replicator;

/**
 * Sets builder options that have no {@code litewake.*} property (age encryption, kept restore
 * points, append-only replicas, rate limits, ...) on the replicator the starter builds. Every bean
 * of this type is applied, in {@link org.springframework.core.annotation.Order} order, after the
 * properties and before {@code start()}:
 *
 * <pre>
 * &#64;Bean
 * LitewakeReplicatorCustomizer encryption(&#64;Value("${app.age-recipient}") String recipient) {
 *   return builder -&gt; builder.ageRecipients(recipient).keepDailySnapshots(7);
 * }
 * </pre>
 *
 * An option set both by a property and by a customizer fails the start (builder options are set
 * once).
 */
@FunctionalInterface
public interface LitewakeReplicatorCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(Replicator.Builder builder);
}
