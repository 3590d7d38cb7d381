package io.litewake.testing;

import io.litewake.Replicator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

/**
 * Runs in a child JVM: replicates until Litewake has copied and checkpointed the whole WAL (its
 * state records a complete WAL), then commits once — which makes SQLite restart the WAL — and
 * dies at once, before the replicator looks at the new WAL.
 */
public final class RestartCrashChild {
  private RestartCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    URI uri = URI.create(args[1]);
    Path state = db.resolveSibling("." + db.getFileName() + "-litewake").resolve("state.properties");
    try (Connection c = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(300)).minCheckpointPages(50)
          .maxCheckpointPages(100).start();
      Dbs.insert(c, 1, 300, 1000);
      r.sync();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.readString(state).contains("walComplete=true")) {
        if (System.nanoTime() > deadline) {
          System.out.println("NO-COMPLETE");
          Runtime.getRuntime().halt(3);
        }
        Thread.sleep(5);
      }
      Dbs.insert(c, 2, 1, 100); // the application restarts the WAL for this commit
      System.out.println("COMMITTED");
      System.out.flush();
      Runtime.getRuntime().halt(0); // a crash: no close, nothing more shipped
    }
  }
}
