package io.litewake.spi;

import java.io.IOException;

/**
 * A store error that retrying cannot fix: access denied, no such bucket, unknown access key or bad
 * signature, wrong region. {@link Replica} implementations throw it (or a subclass) so that
 * {@code Replicator.start()} fails at once with the message, while transient errors (an
 * unreachable endpoint, 5xx answers, timeouts) only delay uploads. The message says what to fix.
 */
public class ReplicaConfigurationException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and what to do about it
   * @param cause the store's answer, or null
   */
  public ReplicaConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * True if {@code error} is a store error that retrying cannot fix: a
   * {@link ReplicaConfigurationException}, or a file system {@link java.nio.file.AccessDeniedException}
   * from a directory replica.
   *
   * @param error any failure of a replica call
   * @return whether it is permanent
   */
  public static boolean isPermanent(Throwable error) {
    return error instanceof ReplicaConfigurationException
        || error instanceof java.nio.file.AccessDeniedException;
  }
}
