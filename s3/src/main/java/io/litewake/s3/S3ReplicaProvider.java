package io.litewake.s3;

import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaProvider;
import java.net.URI;
import java.util.Set;

/**
 * Opens {@code s3://} replicas for Litewake; found with {@link java.util.ServiceLoader}.
 *
 * @see S3Replica#fromUri(URI) for the URI forms and query parameters
 */
public final class S3ReplicaProvider implements ReplicaProvider {

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public S3ReplicaProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public Replica open(URI uri) {
    return S3Replica.fromUri(uri).build();
  }
}
