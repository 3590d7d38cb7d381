/**
 * Litewake: continuous replication of SQLite databases to S3 or any S3-compatible store, from
 * inside the application's JVM, and restore of the latest state or any point in time.
 *
 * <p>Start with {@link io.litewake.Replicator} and {@link io.litewake.Restore}. Every exception
 * is a {@link io.litewake.LitewakeException}.
 */
package io.litewake;
