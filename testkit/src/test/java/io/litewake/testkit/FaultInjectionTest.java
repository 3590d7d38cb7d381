package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.LitewakeException;
import io.litewake.Replicator;
import io.litewake.testsupport.FaultSchedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault type against real Litewake replication through {@code s3.uri(...)}: the fault
 * reaches Litewake's requests (recorded with its outcome), and the replica ends equal to the
 * database once the store recovers.
 */
class FaultInjectionTest {

  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  private Replicator start(Db db, URI uri) {
    return Replicator.of(db.file).to(uri).syncInterval(Duration.ofMillis(50)).start();
  }

  @Test
  void slowDownBurstIsRetriedAndTheReplicaEndsEqual() throws Exception {
    URI uri = s3.uri("slowdown");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      db.insert(20);
      r.sync();
      s3.faults().slowDown(2);
      db.insert(20);
      r.sync();
      assertThat(s3.requests()).filteredOn(q -> q.outcome().equals("SlowDown"))
          .hasSize(2).allSatisfy(q -> assertThat(q.status()).isEqualTo(503));
      assertThat(s3.faults().active()).isFalse();
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }

  @Test
  void internalErrorsAreRetriedAndTheReplicaEndsEqual() throws Exception {
    URI uri = s3.uri("internal");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      db.insert(10);
      r.sync();
      s3.faults().internalError(2);
      db.insert(10);
      r.sync();
      assertThat(s3.requests()).filteredOn(q -> q.outcome().equals("InternalError"))
          .hasSize(2).allSatisfy(q -> assertThat(q.status()).isEqualTo(500));
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }

  @Test
  void droppedConnectionsAreRetriedAndTheReplicaEndsEqual() throws Exception {
    URI uri = s3.uri("dropped");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      db.insert(10);
      r.sync();
      s3.faults().dropConnections(2);
      db.insert(10);
      r.sync();
      assertThat(s3.requests()).filteredOn(q -> q.outcome().equals("dropped"))
          .hasSize(2).allSatisfy(q -> assertThat(q.status()).isZero());
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }

  @Test
  void latencyDelaysRequests() throws Exception {
    URI uri = s3.uri("latency");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      db.insert(5);
      r.sync();
      s3.faults().latency(Duration.ofMillis(400), 2);
      db.insert(5);
      long t0 = System.nanoTime();
      r.sync();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).as("sync waited for the delayed upload").isGreaterThanOrEqualTo(400);
      assertThat(s3.requests()).filteredOn(q -> q.delayMillis() == 400).hasSize(2)
          .allSatisfy(q -> assertThat(q.outcome()).isEqualTo("forwarded"));
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }

  @Test
  void anOutageHoldsSyncBackAndReplicationCatchesUpAfterwards() throws Exception {
    URI uri = s3.uri("outage");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      db.insert(10);
      r.sync();
      s3.faults().outage(Duration.ofMillis(1200));
      db.insert(10);
      assertThatThrownBy(() -> r.sync(Duration.ofMillis(700))).isInstanceOf(LitewakeException.class);
      assertThat(r.status().pendingBytes()).isPositive();
      r.sync(Duration.ofSeconds(30)); // after the window the spool drains
      assertThat(s3.requests()).filteredOn(q -> q.outcome().equals("ServiceUnavailable")).isNotEmpty()
          .allSatisfy(q -> assertThat(q.status()).isEqualTo(503));
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }

  @Test
  void aWindowOfDroppedConnectionsIsAnUnreachableStore() throws Exception {
    URI uri = s3.uri("unreachable");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      db.insert(10);
      r.sync();
      s3.faults().dropConnections(Duration.ofMillis(1000));
      db.insert(10);
      assertThatThrownBy(() -> r.sync(Duration.ofMillis(500))).isInstanceOf(LitewakeException.class);
      r.sync(Duration.ofSeconds(30));
      assertThat(s3.requests()).filteredOn(q -> q.outcome().equals("dropped")).isNotEmpty();
      ReplicaTesting.assertReplicaMatches(uri, db.file);
    }
  }

  @Test
  void burstsAndAShortOutageTogetherStillEndEqual() throws Exception {
    URI uri = s3.uri("mixed");
    try (Db db = new Db(dir.resolve("a.db")); Replicator r = start(db, uri)) {
      for (int round = 0; round < 3; round++) {
        s3.faults().internalError(1).slowDown(1).dropConnections(1);
        db.insert(15);
        Thread.sleep(150);
      }
      s3.faults().outage(Duration.ofMillis(600));
      db.insert(15);
      r.sync(Duration.ofSeconds(30));
      assertThat(s3.faults().injected()).isGreaterThanOrEqualTo(9);
      ReplicaTesting.assertReplicaMatches(uri, db.file);
      assertThat(Db.count(ReplicaTesting.restoreToTemp(uri))).isEqualTo(60);
    }
  }

  @Test
  void faultsQueueInOrderAndClearRemovesThem() {
    Faults f = new Faults();
    f.slowDown(2).internalError(1);
    assertThat(f.schedule().next().kind()).isEqualTo(FaultSchedule.Kind.SLOW_DOWN);
    assertThat(f.schedule().next().kind()).isEqualTo(FaultSchedule.Kind.SLOW_DOWN);
    assertThat(f.schedule().next().kind()).isEqualTo(FaultSchedule.Kind.INTERNAL_ERROR);
    assertThat(f.schedule().next().isNone()).isTrue();
    f.internalError(5).latency(Duration.ofMillis(10), 1);
    assertThat(f.active()).isTrue();
    f.clear();
    assertThat(f.active()).isFalse();
    assertThat(f.schedule().next().isNone()).isTrue();
    assertThat(f.injected()).isEqualTo(3);
    assertThatThrownBy(() -> f.slowDown(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> f.outage(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> f.latency(Duration.ofMillis(-1), 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
  }
}
