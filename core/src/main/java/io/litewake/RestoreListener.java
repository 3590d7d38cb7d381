package io.litewake;

/**
 * Hears how a running {@link Restore} advances, for progress bars and logs: the plan once it is
 * made, then the bytes and objects read from the replica. Every method has an empty default.
 *
 * <pre>{@code
 * AtomicLong read = new AtomicLong();
 * Restore.from(uri).to(db).listener(new RestoreListener() {
 *   public void planned(RestorePlan plan) { total = plan.bytes(); }
 *   public void bytesRead(long bytes) { read.addAndGet(bytes); }
 * }).run();
 * }</pre>
 *
 * <p>{@link #planned(RestorePlan)} runs on the thread that called {@link Restore#run()}; the
 * other methods run on the download threads, several at once: keep them short and thread-safe.
 * An exception thrown by a method is logged and otherwise ignored; it never fails the restore.
 */
public interface RestoreListener {

  /**
   * The restore chose what to read; nothing was downloaded yet. Not called when the restore is
   * skipped.
   *
   * @param plan the snapshot and WAL segments it reads, with their sizes
   */
  default void planned(RestorePlan plan) {}

  /**
   * Stored (compressed) bytes arrived from the replica. The sum over a restore is {@link
   * RestorePlan#bytes()}, plus what was read again after a download broke off.
   *
   * @param bytes how many bytes arrived since the previous call, positive
   */
  default void bytesRead(long bytes) {}

  /**
   * An object was read completely from the replica (it may still wait to be applied).
   *
   * @param key the object's key, relative to the replica location
   * @param bytes its stored size
   */
  default void objectRead(String key, long bytes) {}
}
