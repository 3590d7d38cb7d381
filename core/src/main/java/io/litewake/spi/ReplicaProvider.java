package io.litewake.spi;

import java.net.URI;
import java.util.Set;

/**
 * Creates {@link Replica}s for the URI schemes it supports. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.litewake.spi.ReplicaProvider}.
 */
public interface ReplicaProvider {

  /**
   * The URI schemes handled, lower case, for example {@code s3}.
   *
   * @return the schemes, never empty
   */
  Set<String> schemes();

  /**
   * Opens a replica for a URI with one of {@link #schemes()}.
   *
   * @param uri the replica URI as the user gave it
   * @return an open replica, closed by the caller
   * @throws io.litewake.LitewakeException if the URI is malformed or names an unusable location;
   *     the message names the problem and the fix
   */
  Replica open(URI uri);
}
