package io.litewake.internal;

/**
 * Points where tests can block replication work on a latch, to prove that other threads never
 * wait for it. Each is null (a single volatile read) unless a test sets it.
 */
final class Hooks {
  /** Runs on the pass strand before a snapshot reads the database file. */
  static volatile Runnable beforeSnapshot;
  /** Runs on the pass strand before it asks for the application's write lock. */
  static volatile Runnable beforeWriteLock;

  private Hooks() {}

  static void run(Runnable hook) {
    if (hook != null) {
      hook.run();
    }
  }
}
