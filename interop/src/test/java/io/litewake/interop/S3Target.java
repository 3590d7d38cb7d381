package io.litewake.interop;

import io.litewake.testsupport.Litestream;
import io.litewake.testsupport.S3Server;
import java.net.URI;

/** A prefix in a bucket of a loopback S3 server, for Litewake's {@code s3:} URI and Litestream's {@code type: s3}. */
record S3Target(S3Server server, String bucket, String prefix) implements ReplicaTarget {
  @Override
  public URI litewakeUri() {
    return server.replicaUri(bucket, prefix);
  }

  @Override
  public String litestreamReplicaYaml() {
    return Litestream.s3Replica(server.endpoint(), server.region(), bucket, prefix, server.accessKey(),
        server.secretKey());
  }

  @Override
  public String litestreamUrl() {
    return null; // the endpoint and credentials need the config form
  }
}
