package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: mixed writes from three threads for {@code -Dlitewake.soak.duration} (default 30
 * minutes), with application checkpoints, store outages, replicator restarts and a
 * restore-and-verify every round. Not in {@code mvn verify}: run it with {@code mvn -Psoak
 * -pl core test}.
 */
@Tag("soak")
class SoakTest {
  @TempDir Path dir;

  @Test
  void mixedWritesWithOutagesAndRestartsStayRestorable() throws Exception {
    Duration duration = Duration.parse(System.getProperty("litewake.soak.duration", "PT30M"));
    Path db = dir.resolve("soak.db");
    Path replica = Files.createDirectories(dir.resolve("replica"));
    URI uri = replica.toUri();
    ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong txns = new AtomicLong();
    long outages = 0;
    long restarts = 0;
    long rounds = 0;
    long rowsVerified = 0;
    try (Connection app = Dbs.create(db)) {
      Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(200))
          .snapshotInterval(Duration.ofMinutes(5)).retention(Duration.ofMinutes(10)).start();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int id = w;
        writers.add(pool.submit(() -> {
          Random rnd = new Random(id);
          try (Connection c = Dbs.open(db)) {
            while (!stop.get()) {
              gate.readLock().lock();
              try {
                switch (rnd.nextInt(10)) {
                  case 0 -> Dbs.exec(c, "DELETE FROM t WHERE writer = " + id + " AND id % 5 = " + rnd.nextInt(5));
                  case 1 -> Dbs.exec(c, "UPDATE t SET seq = seq + 1 WHERE writer = " + id + " AND id % 11 = 0");
                  case 2 -> Dbs.exec(c, "PRAGMA wal_checkpoint(PASSIVE)");
                  default -> Dbs.insert(c, id, 1 + rnd.nextInt(20), 50 + rnd.nextInt(2000));
                }
                txns.incrementAndGet();
              } finally {
                gate.readLock().unlock();
              }
            }
          }
          return null;
        }));
      }
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(5_000);
        rounds++;
        if (rounds % 4 == 0) { // a store outage of a few seconds
          Files.move(replica, dir.resolve("away"));
          Files.writeString(replica, "down");
          Thread.sleep(3_000);
          Files.delete(replica);
          Files.move(dir.resolve("away"), replica);
          outages++;
        }
        if (rounds % 7 == 0) { // a replicator restart
          r.close();
          r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(200))
              .snapshotInterval(Duration.ofMinutes(5)).retention(Duration.ofMinutes(10)).start();
          restarts++;
        }
        gate.writeLock().lock(); // a quiet moment: the source is a committed state
        try {
          r.sync(Duration.ofMinutes(2));
          List<String> source = Dbs.dump(app);
          Path out = dir.resolve("round.db");
          Files.deleteIfExists(out);
          Restore.from(uri).to(out).run();
          assertThat(Dbs.dump(out)).as("round %d", rounds).isEqualTo(source);
          rowsVerified += source.size();
        } finally {
          gate.writeLock().unlock();
        }
      }
      stop.set(true);
      for (Future<?> f : writers) {
        f.get();
      }
      pool.shutdown();
      r.close();
    }
    System.out.printf("soak: %s, %d rounds verified, %d transactions, %d rows compared, %d outages, %d restarts%n",
        duration, rounds, txns.get(), rowsVerified, outages, restarts);
  }
}
