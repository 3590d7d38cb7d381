package io.litewake.spring.boot.autoconfigure;

import io.litewake.Restore;

/**
 * Sets options of the restore the starter runs when the database is missing at startup (age
 * identities for an encrypted replica, a rate limit, the download parallelism, ...). Every bean of
 * this type is applied, in {@link org.springframework.core.annotation.Order} order, before the
 * restore runs (only when the database file is missing and {@code litewake.restore-on-startup} is
 * on):
 *
 * <pre>
 * &#64;Bean
 * static LitewakeRestoreCustomizer identities() {
 *   return restore -&gt; restore.ageIdentityFile(Path.of("/run/secrets/age.key"));
 * }
 * </pre>
 *
 * Declare these beans so that creating them does not need the database (a {@code static} method, or a
 * configuration class of their own): the restore runs before the application's {@code DataSource}.
 */
@FunctionalInterface
public interface LitewakeRestoreCustomizer {
  /**
   * Customizes the restore.
   *
   * @param restore the restore, with its source, output and on-boot options set
   */
  void customize(Restore restore);
}
