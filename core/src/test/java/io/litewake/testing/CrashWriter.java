package io.litewake.testing;

import io.litewake.Replicator;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * Runs in a child JVM that the test kills with SIGKILL: writes numbered rows while replicating
 * and prints {@code ACK n} each time {@code sync()} returned after row n was committed.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    URI uri = URI.create(args[1]);
    int start = Integer.parseInt(args[2]);
    try (Connection c = Dbs.create(db)) {
      Dbs.exec(c, "CREATE TABLE IF NOT EXISTS n (id INTEGER PRIMARY KEY, payload BLOB)");
      Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50)).minCheckpointPages(50)
          .maxCheckpointPages(400).start();
      System.out.println("STARTED");
      System.out.flush();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO n (id, payload) VALUES (?, randomblob(?))")) {
        for (int i = start; ; i++) {
          ps.setInt(1, i);
          ps.setInt(2, 200 + (i * 31) % 3000);
          ps.executeUpdate();
          if (i % 7 == 0) {
            r.sync();
            System.out.println("ACK " + i);
            System.out.flush();
          }
        }
      }
    }
  }
}
