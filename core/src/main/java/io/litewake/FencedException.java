package io.litewake;

/**
 * Thrown by {@link Replicator#sync()} (and when uploading) once another writer took over the
 * replica: this instance's writes are no longer replicated. The message names the replica and the
 * writer that took over; stop this instance, or restore from the replica.
 */
public class FencedException extends LitewakeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened, which replica, and what to do
   */
  public FencedException(String message) {
    super(message);
  }
}
