package io.litewake.internal;

import io.litewake.RestoreResult;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The restore on boot when the database is there: nothing to do, so nothing is built. Deliberately
 * without a static logger: its one INFO line is written by a thread of its own, so that a cold
 * JVM's first SLF4J use (some 30 ms of class loading) stays off the application's boot path; not a
 * daemon, so that a program that ends right after the restore (an init container, a script) still
 * writes it. Stateless.
 */
public final class BootSkip {
  private BootSkip() {}

  /**
   * The result of a restore skipped because the database exists ({@code ifDatabaseMissing()}).
   *
   * @param target the output path as the caller gave it
   * @param t0 {@link System#nanoTime()} when the call began
   * @return the skipped result
   */
  public static RestoreResult existing(Path target, long t0) {
    RestoreResult r = RestoreResult.skipped(target, RestoreResult.SkipReason.DATABASE_EXISTS,
        Duration.ofNanos(System.nanoTime() - t0));
    Thread t = new Thread(() -> org.slf4j.LoggerFactory.getLogger("io.litewake.Restore").info(
        "litewake [{}]: {} exists, restore skipped", target.getFileName(), target.toAbsolutePath()), "litewake-log");
    t.setDaemon(false); // short; a program that ends right after the restore still gets its line
    t.start();
    return r;
  }
}
