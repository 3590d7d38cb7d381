package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import io.litewake.testsupport.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad day at the store, through the testkit's fault injection on a real S3 server: bursts of
 * 503 SlowDown and 500, dropped connections, 2 s latency, then a two-minute outage with a
 * replicator restart in its middle. The application's writes keep going the whole time; after
 * recovery the replica equals the database.
 */
class StoreReliabilityTest {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();
  @TempDir Path dir;

  private static Replicator start(Path db, URI uri) {
    return Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(100))
        .closeTimeout(Duration.ofSeconds(2)).syncTimeout(Duration.ofMinutes(2)).start();
  }

  @Test
  void burstsLatencyAndATwoMinuteOutageWithARestartLoseNothing() throws Exception {
    URI uri = s3.uri("bad-day");
    try (Db db = new Db(dir.resolve("bad-day.db"))) {
      Replicator r = start(db.file, uri);
      try {
        db.insert(50);
        r.sync();

        s3.faults().slowDown(4).internalError(4).dropConnections(2);
        db.insert(50);
        r.sync();
        s3.faults().latency(Duration.ofSeconds(2), 3);
        db.insert(50);
        r.sync();
        assertThat(s3.requests()).extracting(S3Request::outcome)
            .contains("SlowDown", "InternalError").anyMatch(o -> o.contains("drop") || o.contains("Drop"));
        assertThat(s3.requests()).anyMatch(q -> q.delayMillis() >= 2000);

        // a two-minute outage; the application keeps writing and is never held back
        s3.faults().outage(Duration.ofMinutes(2));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> app = CompletableFuture.runAsync(() -> {
          try {
            while (!stop.get()) {
              db.insert(5);
              written.addAndGet(5);
              Thread.sleep(100);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(20_000);
        Replicator during = r;
        assertThatThrownBy(() -> during.sync(Duration.ofSeconds(1))).isInstanceOf(LitewakeException.class);
        r.close(); // bounded although the store is down
        r = start(db.file, uri); // a restart in the middle of the outage
        int before = written.get();
        Await.until("the application writes 50 more rows during the outage", Duration.ofSeconds(60),
            () -> written.get() > before + 50);
        assertThat(s3.faults().active()).as("the outage still lasts").isTrue();
        Await.until("the two-minute outage is over", Duration.ofMinutes(3), () -> !s3.faults().active());
        stop.set(true);
        app.get();
        r.sync();
        assertThat(s3.requests()).anyMatch(q -> q.outcome().contains("ServiceUnavailable") || q.status() == 503);
        ReplicaTesting.assertReplicaMatches(uri, db.file);
      } finally {
        r.close();
      }
    }
  }
}
