/**
 * JUnit 5 support for projects that use Litewake: test backups and restores in a plain {@code
 * mvn test}, with no AWS account and no Docker.
 *
 * <ul>
 *   <li>{@link io.litewake.testkit.S3Extension} — an S3-compatible server per test class or per
 *       test, with {@code uri(name)} giving replica URIs that {@code Replicator} and {@code
 *       Restore} accept as is;
 *   <li>{@link io.litewake.testkit.EmbeddedS3} — the same server without JUnit (demos, main
 *       methods);
 *   <li>{@link io.litewake.testkit.Faults} and {@link io.litewake.testkit.Policy} — S3 errors,
 *       dropped connections, latency and IAM-like denials on that server's endpoint;
 *   <li>{@link io.litewake.testkit.ReplicaTesting} — restore into a temporary file, compare with
 *       a live database, describe a replica;
 *   <li>{@link io.litewake.testkit.ReplicaContractTest} — the contract of {@link
 *       io.litewake.spi.Replica} as a JUnit suite to extend, for third-party stores (its Litewake
 *       scenarios in {@link io.litewake.testkit.LitewakeOnReplicaContract}, which it extends).
 * </ul>
 *
 * <p>The jar also holds the package {@code io.litewake.testsupport}, the servers and the front
 * these classes run on: an implementation detail, not API.
 */
package io.litewake.testkit;
