package io.litewake.testing;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

/**
 * Runs in a child JVM whose log lines (standard error) the test reads: one start/stop case, named
 * by the first argument; prints {@code REFUSED <ms> <message>} when start() refused, {@code DONE}
 * at the end.
 */
public final class StartStopChild {
  private StartStopChild() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[1]);
    URI uri = URI.create(args[2]);
    switch (args[0]) {
      case "not-wal" -> {
        try (Connection c = Dbs.open(db)) {
          Dbs.exec(c, "PRAGMA journal_mode=DELETE", "CREATE TABLE t (x)");
        }
        refused(() -> Replicator.of(db).to(uri).start());
      }
      case "twice" -> {
        try (Connection c = Dbs.create(db); Replicator first = Replicator.of(db).to(uri).start()) {
          refused(() -> Replicator.of(db).to(uri).start());
        }
      }
      case "short-lived" -> {
        try (Connection c = Dbs.create(db)) {
          for (int i = 0; i < 3; i++) {
            try (Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(20)).start()) {
              Dbs.insert(c, 1, 5, 100);
              r.sync();
            }
          }
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("DONE");
  }

  private static void refused(Runnable start) {
    long t0 = System.nanoTime();
    try {
      start.run();
      System.out.println("STARTED");
    } catch (LitewakeException e) {
      System.out.println("REFUSED " + (System.nanoTime() - t0) / 1_000_000 + " " + e.getMessage());
    }
  }
}
