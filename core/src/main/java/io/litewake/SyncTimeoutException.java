package io.litewake;

/**
 * Thrown by {@link Replicator#sync()} when the replica did not acknowledge everything committed
 * before the call within the timeout. Nothing is lost: the data stays in the local spool and is
 * uploaded when the store answers again. The message names the replica that is behind and its
 * last error.
 */
public class SyncTimeoutException extends LitewakeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is behind, for how long, and the last error
   * @param cause the last upload error, or null
   */
  public SyncTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
