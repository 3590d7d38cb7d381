package io.litewake.cli;

import java.util.function.Predicate;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handled by the command instead of the JVM's default (run the shutdown hooks
 * and exit with 143 or 130), so that {@code replicate} can sync, close and exit with 0. Uses
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every JDK and JRE since 9).
 */
final class Signals {
  private Signals() {}

  /**
   * Calls {@code handler} with the signal's name ({@code TERM}, {@code INT}) on each SIGTERM and
   * SIGINT; when it returns true, the JVM halts at once with 128 plus the signal's number.
   */
  static void onTermination(Predicate<String> handler) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> {
        if (handler.test(s.getName())) {
          Runtime.getRuntime().halt(128 + s.getNumber());
        }
      });
    }
  }
}
