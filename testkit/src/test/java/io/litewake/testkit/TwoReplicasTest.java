package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.ReplicaStatus;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.SyncTimeoutException;
import io.litewake.testsupport.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One database, two replicas on two different stores (a directory and the in-process S3): the S3
 * one is unreachable for 60 seconds while the application writes, and the replicator restarts in
 * the middle of it. The directory replica stays current throughout; the S3 one catches up after.
 */
class TwoReplicasTest {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  private Replicator start(Path db, URI first, URI second) {
    return Replicator.of(db).to(first, second).syncInterval(Duration.ofMillis(100))
        .closeTimeout(Duration.ofSeconds(2)).start();
  }

  @Test
  void anOutageOfOneReplicaNeverHoldsBackTheOther() throws Exception {
    URI first = Files.createDirectories(dir.resolve("replica")).toUri();
    URI second = s3.uri("second");
    Path db = dir.resolve("app.db");
    ConcurrentSkipListMap<Long, Long> committed = new ConcurrentSkipListMap<>(); // nanoTime -> rows
    AtomicBoolean writing = new AtomicBoolean(true);
    try (Db app = new Db(db)) {
      Replicator r = start(db, first, second);
      app.insert(50);
      r.sync();
      assertThat(r.status().replicas()).extracting(ReplicaStatus::location).hasSize(2);

      Thread writer = new Thread(() -> {
        long rows = 50;
        while (writing.get()) {
          try {
            app.insert(1);
            committed.put(System.nanoTime(), ++rows);
            Thread.sleep(50);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      long outageStart = System.nanoTime();
      s3.faults().dropConnections(Duration.ofSeconds(60));
      writer.start();
      int checks = 0;
      boolean restarted = false;
      while (System.nanoTime() - outageStart < Duration.ofSeconds(55).toNanos()) {
        Thread.sleep(4000);
        if (!restarted && System.nanoTime() - outageStart > Duration.ofSeconds(25).toNanos()) {
          r.close(); // a restart in the middle of the outage: the S3 replica's backlog stays in the spool
          r = start(db, first, second);
          restarted = true;
          continue;
        }
        ReplicaStatus fileReplica = r.status().replicas().get(0);
        ReplicaStatus s3Replica = r.status().replicas().get(1);
        assertThat(fileReplica.lag()).as("the directory replica stays current").isLessThan(Duration.ofSeconds(2));
        assertThat(s3Replica.lag()).as("the S3 replica falls behind").isGreaterThan(Duration.ofSeconds(2));
        long begin = System.nanoTime();
        Path out = dir.resolve("during-" + checks++ + ".db");
        Restore.from(first).to(out).run();
        long restored = Db.count(out);
        long mustHave = committed.floorEntry(begin - Duration.ofSeconds(2).toNanos()) == null ? 50
            : committed.floorEntry(begin - Duration.ofSeconds(2).toNanos()).getValue();
        assertThat(restored).as("a restore from the current replica holds every commit older than 2 s")
            .isGreaterThanOrEqualTo(mustHave).isLessThanOrEqualTo(committed.lastEntry().getValue());
      }
      assertThat(restarted).isTrue();
      assertThat(checks).isGreaterThanOrEqualTo(8);
      Replicator during = r;
      assertThatThrownBy(() -> during.sync(Duration.ofMillis(500)))
          .isInstanceOf(SyncTimeoutException.class).hasMessageContaining("second");
      writing.set(false);
      writer.join();

      Await.until("the S3 replica catches up", Duration.ofSeconds(60), () -> during.status().lag().isZero());
      r.sync(Duration.ofSeconds(60));
      r.close();
      for (URI replica : new URI[] {first, second}) {
        ReplicaTesting.assertReplicaMatches(replica, db);
      }
    }
  }
}
