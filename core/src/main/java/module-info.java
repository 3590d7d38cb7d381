/**
 * Litewake core: the public API ({@link io.litewake.Replicator}, {@link io.litewake.Restore}) and
 * the replica SPI ({@link io.litewake.spi.Replica}, {@link io.litewake.spi.ReplicaProvider}).
 *
 * <p>Only {@code io.litewake} and {@code io.litewake.spi} are API. {@code io.litewake.internal}
 * is not exported: anything in it may change in any release. Replica providers are found with
 * {@link java.util.ServiceLoader}, on the module path ({@code provides}) and on the class path
 * ({@code META-INF/services/io.litewake.spi.ReplicaProvider}); this module provides {@code
 * file:} replicas.
 */
@SuppressWarnings("requires-automatic") // org.lz4.java, com.exceptionfactory.jagged*
module io.litewake {
  // a new dependency needs its module name here (jar --describe-module --file X.jar)
  requires transitive java.sql; // Replicator.of(DataSource)
  requires org.xerial.sqlitejdbc;
  requires com.github.luben.zstd_jni;
  requires org.lz4.java; // automatic module; name from lz4-java's Automatic-Module-Name
  requires org.slf4j;
  // age encryption (automatic modules; names from the jars' Automatic-Module-Name)
  requires com.exceptionfactory.jagged;
  requires com.exceptionfactory.jagged.framework;
  requires com.exceptionfactory.jagged.x25519;

  exports io.litewake;
  exports io.litewake.spi;
  // shared helpers (Redact, Checks) for the s3 module only: not API
  exports io.litewake.internal to io.litewake.s3;

  uses io.litewake.spi.ReplicaProvider;

  provides io.litewake.spi.ReplicaProvider with
      io.litewake.internal.FileReplicaProvider;
}
