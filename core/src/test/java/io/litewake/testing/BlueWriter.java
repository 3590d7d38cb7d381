package io.litewake.testing;

import io.litewake.Replicator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs in a child JVM: the old instance of a blue/green deploy. Replicates with default settings,
 * prints {@code STARTED} after its first sync, then writes a row every 20 ms until a line arrives
 * on standard input; then closes (a final sync) and prints {@code STOPPED}.
 */
public final class BlueWriter {
  private BlueWriter() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    URI uri = URI.create(args[1]);
    AtomicBoolean stop = new AtomicBoolean();
    Thread stdin = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        in.readLine();
      } catch (Exception e) {
        // closed: stop as well
      }
      stop.set(true);
    });
    stdin.setDaemon(true);
    try (Connection c = Dbs.create(db); Replicator r = Replicator.of(db).to(uri).start()) {
      Dbs.insert(c, 1, 20, 100);
      r.sync();
      System.out.println("STARTED");
      System.out.flush();
      stdin.start();
      while (!stop.get()) {
        Dbs.insert(c, 1, 1, 100);
        Thread.sleep(20);
      }
    }
    System.out.println("STOPPED");
    System.out.flush();
  }
}
