/**
 * Litewake S3: {@code s3://} replicas on the AWS SDK v2 ({@link io.litewake.s3.S3Replica}), found
 * by {@link java.util.ServiceLoader} from the URI scheme.
 *
 * <p>Only {@code io.litewake.s3} is API; {@code io.litewake.s3.internal} is not exported. The
 * provider is declared both here ({@code provides}, module path) and in {@code
 * META-INF/services/io.litewake.spi.ReplicaProvider} (class path).
 */
// "module": javac advises against the terminal digit of "s3"; the name is the published one
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module io.litewake.s3 {
  requires transitive io.litewake;
  // AWS SDK v2 and Netty jars are automatic modules (Automatic-Module-Name in their manifests).
  // A new import that fails with "package ... is declared in the unnamed module, but module
  // io.litewake.s3 does not read it" needs its jar's module name here.
  requires transitive software.amazon.awssdk.services.s3; // S3Replica.Builder#client, StorageClass
  requires transitive software.amazon.awssdk.auth; // S3Replica.Builder#credentials
  requires transitive software.amazon.awssdk.regions; // S3Replica.Builder#region
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.utils; // SdkHttpUtils: the encoded key of a paced upload
  requires software.amazon.awssdk.metrics; // AsyncExecuteRequest#metricCollector, passed on
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.transfer.s3;
  requires software.amazon.awssdk.http.nio.netty;
  requires software.amazon.awssdk.http.urlconnection; // reads and one-part uploads
  requires io.netty.transport; // the event loop group S3Replica owns and shuts down
  requires io.netty.common;
  requires org.reactivestreams; // streamed ranged GETs
  requires org.slf4j;

  exports io.litewake.s3;

  provides io.litewake.spi.ReplicaProvider with
      io.litewake.s3.S3ReplicaProvider;
}
