/**
 * Micrometer meters for Litewake: {@link io.litewake.micrometer.LitewakeMetrics} binds the
 * replication lag, pending bytes, uploads, uploaded bytes, generations, sync times and fencing of
 * a running {@link io.litewake.Replicator} to any {@code MeterRegistry}.
 */
package io.litewake.micrometer;
