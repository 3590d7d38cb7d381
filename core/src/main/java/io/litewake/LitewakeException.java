package io.litewake;

/**
 * The root of every exception Litewake throws. Messages name the database or replica involved,
 * the problem, and what to do about it; the cause, when there is one, is attached.
 */
public class LitewakeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and how to fix it
   */
  public LitewakeException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and how to fix it
   * @param cause the underlying failure
   */
  public LitewakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
