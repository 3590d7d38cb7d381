package io.litewake.internal;

import io.litewake.Position;
import io.litewake.ReplicaContents;
import io.litewake.ReplicationListener;
import io.litewake.spi.Replica;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Moves spooled objects to one replica, in order, and runs that replica's retention pass when it
 * is due. Work runs as tasks on its own strand over the shared workers ({@link #kick()} queues a
 * drain); a failed upload is retried after a backoff by a timer, not by a waiting thread, so an
 * idle or unreachable replica costs no thread. The strand owns the failure count, the retention
 * schedule and the {@link WriterClaim}; the fields other threads read (last upload, last error,
 * replicated position, fencing) are volatile snapshots.
 *
 * <p>On an append-only replica every upload is a conditional PUT (no key is written twice: an
 * object already there with the same bytes is a retried upload), the claim takes its append-only
 * form, and no retention pass runs: nothing is ever deleted.
 */
final class Uploader {
  private final Replica replica;
  private final Spool spool;
  private final Lanes lanes;
  private final int lane;
  private final SerialExecutor strand;
  private final ScheduledExecutorService timer;
  private final Logger log;
  private final String name;
  private final ReplicationListener listener;
  private final Clock clock;
  private final Duration retention;
  private final KeepPolicy keep;
  private final boolean appendOnly;
  private final Supplier<Position> current;
  private final Runnable progressed;
  private final WriterClaim claim;
  /** Told once this replica is fenced (the engine retires its lane). */
  private final Runnable onFenced;
  private final AtomicBoolean queued = new AtomicBoolean();
  /** The generation this start writes and whether it continues one; checked against the claim. */
  private String startGeneration;
  private boolean startContinuing;
  /** Set once the claim was checked for this start (at start, or before the first upload). */
  private boolean startChecked;
  private int failures;
  private Instant retentionDueAt = Instant.EPOCH;
  private ScheduledFuture<?> wakeUp;
  private volatile boolean stopped;
  private volatile Instant lastUploadAt;
  private volatile Exception lastError;
  private volatile Position replicated;

  Uploader(Replica replica, Spool spool, Lanes lanes, int lane, Workers workers, Logger log, String name, ReplicationListener listener,
      Clock clock, Duration retention, KeepPolicy keep, boolean appendOnly, Duration fenceCheckInterval,
      Supplier<Position> current, Runnable progressed, Runnable onFenced) {
    this.replica = replica;
    this.spool = spool;
    this.lanes = lanes;
    this.lane = lane;
    this.strand = new SerialExecutor(workers.pool());
    this.timer = workers.scheduler();
    this.log = log;
    this.name = name;
    this.listener = listener;
    this.clock = clock;
    this.retention = retention;
    this.keep = keep;
    this.appendOnly = appendOnly;
    this.current = current;
    this.progressed = progressed;
    this.claim = new WriterClaim(replica, clock, fenceCheckInterval, appendOnly);
    this.onFenced = onFenced;
  }

  /**
   * Before any task runs: the generation this start writes, for the claim check (at start, or, if
   * the store did not answer then, before the first upload).
   */
  void startOf(String generation, boolean continuing) {
    startGeneration = generation;
    startContinuing = continuing;
  }

  /**
   * On the strand: refuses (fences) a continuing generation that a newer writer took over, and
   * claims a new one. Throws the store's IOException when it cannot be asked.
   */
  void checkAtStart() throws IOException {
    try {
      claim.checkStart(startGeneration, startContinuing, claim.read());
    } catch (IOException e) {
      failedBeforeUploads(e); // the start says so once; the uploader retries quietly
      throw e;
    }
    startChecked = true;
  }

  WriterClaim claim() {
    return claim;
  }

  String location() {
    return replica.location();
  }

  Instant lastUploadAt() {
    return lastUploadAt;
  }

  Exception lastError() {
    return lastError;
  }

  Position replicated() {
    return replicated;
  }

  /** Why this replica is fenced, or null. */
  String fencedBy() {
    return claim.fencedBy();
  }

  /**
   * Runs {@code task} on this uploader's strand (the {@link WriterClaim} is owned by it), before
   * any upload queued after it.
   */
  <T> java.util.concurrent.CompletableFuture<T> onStrand(java.util.concurrent.Callable<T> task) {
    return strand.submit(task);
  }

  /**
   * On the strand only: the store failed before any upload (the claim at start); the start logged
   * it, so the first upload failure that follows is not logged again at WARN.
   */
  void failedBeforeUploads(Exception e) {
    failures = Math.max(failures, 1);
    lastError = e;
  }

  /** Queues a drain of the spool unless one is queued already. */
  void kick() {
    if (!stopped && queued.compareAndSet(false, true)) {
      try {
        strand.execute(this::drain);
      } catch (RuntimeException e) {
        queued.set(false); // shut down
      }
    }
  }

  /** Stops: no new uploads start; an upload under way ends with the replica's close. */
  void stop() {
    stopped = true;
    synchronized (this) {
      if (wakeUp != null) {
        wakeUp.cancel(false);
      }
    }
  }

  private synchronized void wakeUpIn(long millis) {
    if (stopped) {
      return;
    }
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    try {
      wakeUp = timer.schedule(this::kick, Math.max(1, millis), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      // shut down
    }
  }

  private void drain() {
    queued.set(false);
    if (stopped || claim.fencedBy() != null) {
      return;
    }
    long durable = spool.durableSeq();
    List<Spool.Entry> pending = UploadOrder.snapshotsAfterTheirWal(
        lanes.pending(lane).stream().filter(e -> e.seq() <= durable).toList());
    if (pending.isEmpty()) {
      retentionIfDue();
      return;
    }
    for (Spool.Entry e : pending) {
      if (stopped) {
        return;
      }
      if (!lanes.contains(lane, e)) {
        continue; // dropped by the spool limit since the list was taken
      }
      if (!upload(e)) {
        return;
      }
    }
    kick(); // more may have been spooled meanwhile; an empty drain ends the round
  }

  /** Uploads one entry; false if it failed (a retry is scheduled) or this replica is fenced. */
  private boolean upload(Spool.Entry e) {
    boolean snapshot = UploadOrder.isSnapshot(e.key());
    try {
      if (!startChecked && startGeneration != null) {
        try {
          checkAtStart(); // the store did not answer at start: check now, before anything is written
        } catch (io.litewake.LitewakeException refused) {
          claim.fence(refused.getMessage());
          fenced();
          return false;
        }
      }
      String gen = UploadOrder.generationOf(e.key());
      if (gen != null) {
        claim.claim(gen);
        if (!claim.stillOwner(gen)) {
          fenced();
          return false;
        }
      }
      if (!snapshot) {
        if (replica.putIfAbsent(e.key(), e.file()) == null && !sameContent(e)) {
          claim.fence("another replicator already wrote " + e.key() + " with different content (a second"
              + " writer continuing generation " + gen + ", e.g. from a cloned volume)");
          fenced();
          return false;
        }
      } else if (appendOnly) {
        if (replica.putIfAbsent(e.key(), e.file()) == null && !sameContent(e)) {
          // distinct snapshot keys make this unexpected; the WAL keeps every state restorable
          log.warn("litewake [{}]: {} already holds {} with other content; an append-only replica never replaces an"
              + " object, so this snapshot is not uploaded", name, replica.location(), e.key());
        }
      } else {
        replica.put(e.key(), e.file());
      }
      try {
        lanes.done(lane, e);
      } catch (IOException deleteFailed) {
        log.debug("litewake [{}]: {} is in {}, but deleting its spool file failed: {}", name, e.key(),
            replica.location(), deleteFailed.toString());
      }
      lastUploadAt = clock.instant();
      lastError = null;
      if (e.end() != null) {
        replicated = e.end();
      }
      if (failures > 0) {
        log.info("litewake [{}]: replica {} reachable again", name, replica.location());
      }
      failures = 0;
      if (snapshot) {
        log.info("litewake [{}]: snapshot written to {} as {} ({} bytes)", name, replica.location(), e.key(), e.size());
        retentionDueAt = Instant.EPOCH;
      } else {
        log.debug("litewake [{}]: uploaded {}", name, e.key());
      }
      listener.uploaded(replica.location(), e.key(), e.size(), snapshot);
      progressed.run();
      return true;
    } catch (IOException | RuntimeException ex) {
      if (!lanes.contains(lane, e)) {
        // dropped meanwhile (the spool limit started a new generation): nothing to upload
        log.debug("litewake [{}]: {} was dropped from the spool while uploading", name, e.key());
        return true;
      }
      if (stopped) {
        log.debug("litewake [{}]: upload of {} ended by close: {}", name, e.key(), ex.toString());
        return false;
      }
      lastError = ex;
      if (failures++ == 0) {
        log.warn("litewake [{}]: upload of {} to {} failed, will retry: {}", name, e.key(), replica.location(), ex.toString());
      } else {
        log.debug("litewake [{}]: upload retry {} failed: {}", name, failures, ex.toString());
      }
      listener.uploadFailed(replica.location(), e.key(), snapshot, ex, failures);
      progressed.run();
      wakeUpIn(Math.min(5_000, 100L << Math.min(failures, 6)));
      return false;
    }
  }

  private void retentionIfDue() {
    if (appendOnly) {
      return; // nothing is ever deleted: bucket lifecycle rules expire old objects
    }
    Instant now = clock.instant();
    if (now.isBefore(retentionDueAt)) {
      wakeUpIn(untilDue(now));
      return;
    }
    Position p = current.get();
    if (p == null) {
      return;
    }
    try {
      if (!claim.mayDelete()) {
        // another writer claimed this replica (or a restart has not claimed it yet): its history is
        // not ours to delete; an idle instance learns it is fenced here, before deleting anything
        if (claim.fencedBy() != null) {
          fenced();
          return;
        }
        retentionDueAt = clock.instant().plus(Duration.ofMinutes(10));
        wakeUpIn(untilDue(clock.instant()));
        return;
      }
      ReplicaContents contents = Layout.parse(replica.location(), replica.list(Layout.GENERATIONS));
      Retention.Plan plan = Retention.plan(contents, p.generation(), now, retention, keep);
      if (!plan.deletions().isEmpty()) {
        replica.delete(plan.deletions());
        log.info("litewake [{}]: retention removed {} objects older than {}{} from {}", name,
            plan.deletions().size(), retention, keep.any() ? " (" + keep + ")" : "", replica.location());
      }
      retentionDueAt = plan.nextDue();
    } catch (IOException | RuntimeException e) {
      if (stopped) {
        log.debug("litewake [{}]: retention pass on {} ended by close: {}", name, replica.location(), e.toString());
        return;
      }
      log.warn("litewake [{}]: retention pass on {} failed, will retry: {}", name, replica.location(), e.toString());
      retentionDueAt = clock.instant().plus(Duration.ofMinutes(1));
    }
    wakeUpIn(untilDue(clock.instant()));
  }

  /**
   * How long to wait before looking at the retention schedule again: until it is due, but at most
   * a second, so that a clock that jumps (tests inject one) is followed. A look costs no request.
   */
  private long untilDue(Instant now) {
    if (retentionDueAt.isAfter(now.plusSeconds(1))) {
      return 1000;
    }
    return Math.max(1, Duration.between(now, retentionDueAt).toMillis());
  }

  /** True if the stored object holds exactly the spooled bytes (a retried upload). */
  private boolean sameContent(Spool.Entry e) throws IOException {
    try (InputStream stored = replica.open(e.key());
        InputStream local = new BufferedInputStream(Files.newInputStream(e.file()))) {
      byte[] a = new byte[1 << 16];
      byte[] b = new byte[1 << 16];
      while (true) {
        int n = stored.readNBytes(a, 0, a.length);
        int m = local.readNBytes(b, 0, b.length);
        if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
          return false;
        }
        if (n == 0) {
          return true;
        }
      }
    }
  }

  private void fenced() {
    onFenced.run();
    log.error("litewake [{}]: replication to {} is fenced: {}; this instance stops uploading (its writes stay in {}"
        + " but are not replicated)", name, replica.location(), claim.fencedBy(), spool.dir());
    listener.fenced(replica.location(), claim.fencedBy());
    progressed.run();
  }
}
