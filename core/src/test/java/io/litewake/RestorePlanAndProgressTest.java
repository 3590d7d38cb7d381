package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.internal.Replicas;
import io.litewake.testing.CountingReplica;
import io.litewake.testing.Dbs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Restore#plan()} is a dry run of {@link Restore#run()}: the same choice, the same checks,
 * no object read; a {@link RestoreListener} hears the plan and every byte and object read.
 */
class RestorePlanAndProgressTest {
  @TempDir Path dir;

  /** A replica with one generation: a snapshot and a few WAL segments in two WAL indexes. */
  private URI replicaWithHistory() throws Exception {
    Path db = dir.resolve("src.db");
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    try (Connection c = Dbs.create(db);
         Replicator r = Replicator.of(db).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
      for (int i = 0; i < 5; i++) {
        Dbs.insert(c, 1, 20, 300);
        r.sync();
      }
      Dbs.exec(c, "PRAGMA busy_timeout=100", "PRAGMA wal_checkpoint(TRUNCATE)"); // busy: the replicator holds the WAL
      Dbs.insert(c, 2, 20, 300);
      r.sync();
    }
    return uri;
  }

  @Test
  void thePlanIsWhatTheRestoreReadsAndReadsNothing() throws Exception {
    URI uri = replicaWithHistory();
    CountingReplica counting = new CountingReplica(Replicas.open(uri));
    Optional<RestorePlan> planned = Restore.from(counting).to(dir.resolve("out.db")).plan();
    assertThat(planned).isPresent();
    RestorePlan plan = planned.get();
    assertThat(counting.calls.get()).as("the listing only").isEqualTo(counting.lists.get());
    assertThat(dir.resolve("out.db")).doesNotExist();
    assertThat(plan.segments()).isNotEmpty();
    assertThat(plan.objects()).isEqualTo(1 + plan.segments().size());
    assertThat(plan.bytes()).isEqualTo(plan.snapshot().size()
        + plan.segments().stream().mapToLong(WalSegment::size).sum());

    RestoreResult r = Restore.from(uri).to(dir.resolve("out.db")).run();
    assertThat(r.generation()).contains(plan.generation().id());
    assertThat(r.snapshotIndex()).hasValue(plan.snapshot().index());
    assertThat(r.index()).hasValue(plan.endIndex());
    assertThat(r.pointInTime()).contains(plan.pointInTime());
    assertThat(r.objects()).isEqualTo(plan.objects());
    assertThat(r.downloadedBytes()).isEqualTo(plan.bytes());
  }

  @Test
  void aPlanNeedsNoOutputPathAndHonoursTheSkipsAndChecksOfRun() throws Exception {
    URI uri = replicaWithHistory();
    assertThat(Restore.from(uri).plan()).isPresent();
    Path existing = Files.writeString(dir.resolve("existing.db"), "x");
    assertThat(Restore.from(uri).to(existing).ifDatabaseMissing().plan()).isEmpty();
    assertThatThrownBy(() -> Restore.from(uri).to(existing).plan()).isInstanceOf(LitewakeException.class)
        .hasMessageContaining("the file exists");
    URI empty = Files.createDirectories(dir.resolve("empty")).toUri();
    assertThat(Restore.from(empty).ifReplicaExists().plan()).isEmpty();
    assertThatThrownBy(() -> Restore.from(empty).plan()).isInstanceOf(LitewakeException.class)
        .hasMessageContaining("holds no generation");
    assertThatThrownBy(() -> Restore.from(uri).index(1).plan()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs generation");
    assertThat(Files.readString(existing)).isEqualTo("x");
  }

  @Test
  void aPointInTimePlanEndsAtThatTime() throws Exception {
    URI uri = replicaWithHistory();
    RestorePlan latest = Restore.from(uri).plan().orElseThrow();
    RestorePlan early = Restore.from(uri).at(latest.snapshot().createdAt()).plan().orElseThrow();
    assertThat(early.pointInTime()).isBeforeOrEqualTo(latest.snapshot().createdAt());
    assertThat(early.segments()).allMatch(w -> !w.createdAt().isAfter(latest.snapshot().createdAt()));
  }

  @Test
  void theListenerHearsThePlanEveryByteAndEveryObject() throws Exception {
    URI uri = replicaWithHistory();
    List<RestorePlan> plans = new CopyOnWriteArrayList<>();
    AtomicLong bytes = new AtomicLong();
    ConcurrentHashMap<String, Long> objects = new ConcurrentHashMap<>();
    RestoreResult r = Restore.from(uri).to(dir.resolve("out.db")).parallelism(4).listener(new RestoreListener() {
      @Override
      public void planned(RestorePlan plan) {
        plans.add(plan);
      }

      @Override
      public void bytesRead(long n) {
        assertThat(n).isPositive();
        bytes.addAndGet(n);
      }

      @Override
      public void objectRead(String key, long size) {
        assertThat(objects.put(key, size)).as("reported once: " + key).isNull();
      }
    }).run();
    assertThat(plans).hasSize(1);
    RestorePlan plan = plans.get(0);
    assertThat(bytes.get()).isEqualTo(plan.bytes()).isEqualTo(r.downloadedBytes());
    assertThat(objects).hasSize(plan.objects());
    assertThat(objects).containsEntry(plan.snapshot().key(), plan.snapshot().size());
    for (WalSegment w : plan.segments()) {
      assertThat(objects).containsEntry(w.key(), w.size());
    }
  }

  @Test
  void aFailingListenerNeverFailsTheRestore() throws Exception {
    URI uri = replicaWithHistory();
    RestoreResult r = Restore.from(uri).to(dir.resolve("out.db")).listener(new RestoreListener() {
      @Override
      public void planned(RestorePlan plan) {
        throw new IllegalStateException("listener bug (test)");
      }

      @Override
      public void bytesRead(long n) {
        throw new IllegalStateException("listener bug (test)");
      }
    }).run();
    assertThat(r.restored()).isTrue();
    assertThat(Dbs.integrity(dir.resolve("out.db"))).isEqualTo("ok");
    assertThatThrownBy(() -> Restore.from(uri).listener(new RestoreListener() {}).listener(new RestoreListener() {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
