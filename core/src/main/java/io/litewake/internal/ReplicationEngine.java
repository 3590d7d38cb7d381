package io.litewake.internal;

import io.litewake.Compression;
import io.litewake.FencedException;
import io.litewake.LitewakeException;
import io.litewake.Position;
import io.litewake.ReplicaStatus;
import io.litewake.ReplicationListener;
import io.litewake.ReplicationStatus;
import io.litewake.SyncTimeoutException;
import io.litewake.spi.Replica;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running replication of one database: wires the spool, the local side ({@link Shipping}:
 * passes on a strand, driven by the {@link WalWatcher}) and the {@link Uploader}, all as tasks on
 * {@link Workers}; answers {@link #sync}, {@link #status} and {@link #close}. It holds no
 * replication state of its own: the spool owns the queue, the shipping strand owns the history,
 * the uploader's strand owns the upload side. {@link #closed} is the only field written after
 * start (by the closing thread).
 */
public final class ReplicationEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.Replicator");

  /**
   * Settings, validated by the public builder. {@code toString()} shows no key: {@link
   * AgeRecipients} prints a count and a hash.
   */
  public record Config(
      Path db,
      List<Replica> replicas,
      boolean ownsReplicas,
      Duration syncInterval,
      Duration snapshotInterval,
      double snapshotWalRatio,
      int snapshotWalObjects,
      Duration retention,
      KeepPolicy keep,
      boolean appendOnly,
      long uploadRateLimit,
      Compression compression,
      AgeRecipients recipients,
      Path spoolDir,
      long maxSpoolBytes,
      int minCheckpointPages,
      int maxCheckpointPages,
      Duration syncTimeout,
      Duration closeTimeout,
      Duration fenceCheckInterval,
      Clock clock,
      ReplicationListener listener,
      Workers sharedWorkers) {}

  private final Config cfg;
  private final String name;
  private final ReplicationListener listener;
  /** Notified whenever an upload finished or failed, the spool overflowed or a replica was fenced. */
  private final Object progress = new Object();
  private Workers workers;
  private Spool spool;
  private AutoCloseable spoolLock;
  private Shipping shipping;
  private WalWatcher watcher;
  private Lanes lanes;
  /** One per replica, in the configured order; set once at start. */
  private volatile List<Uploader> uploaders = List.of();
  private volatile boolean started;
  private volatile boolean closed;

  /** Creates an engine; nothing happens until {@link #start()}. */
  public ReplicationEngine(Config cfg) {
    this.cfg = cfg;
    this.name = cfg.db().getFileName().toString();
    this.listener = new SafeListener(cfg.listener() == null ? new ReplicationListener() {} : cfg.listener(), LOG, name);
  }

  /** The database file name, as every log line shows it. */
  public String name() {
    return name;
  }

  /** Where the replicas live, secrets masked. */
  public String location() {
    return Continuity.locations(cfg.replicas());
  }

  /**
   * Opens connections, verifies or starts a generation, spools what is new, starts the work. On
   * failure everything it opened is closed again before it throws.
   */
  public void start() throws IOException, SQLException {
    spool = new Spool(cfg.spoolDir());
    workers = cfg.sharedWorkers() != null ? cfg.sharedWorkers() : new Workers(name, 1 + cfg.replicas().size());
    shipping = new Shipping(cfg, LOG, spool, workers, listener, this::kickAll, this::spoolLimit, this::allFenced);
    boolean begun = false;
    try {
      shipping.connect();
      spool.open();
      spoolLock = spool.lock(); // before load(): it removes files that a running replicator may be writing
      spool.load();
      String reason = shipping.resume();
      lanes = new Lanes(spool, cfg.replicas().stream().map(Replica::location).toList());
      List<Uploader> ups = new ArrayList<>();
      // one schedule for all the replicas of this database
      Throttle throttle = cfg.uploadRateLimit() > 0 ? Throttle.perSecond(cfg.uploadRateLimit()) : null;
      for (int i = 0; i < cfg.replicas().size(); i++) {
        int lane = i;
        Replica r = throttle == null ? cfg.replicas().get(i) : cfg.replicas().get(i).throttled(throttle);
        ups.add(new Uploader(r, spool, lanes, i, workers, LOG, name, listener, cfg.clock(),
            cfg.retention(), cfg.keep(), cfg.appendOnly(), cfg.fenceCheckInterval(), shipping::position,
            this::progressed, () -> retire(lane)));
      }
      uploaders = List.copyOf(ups);
      long deadline = System.nanoTime() + START_STORE_WAIT.toNanos();
      String generation = shipping.generationFor(reason);
      for (Uploader u : uploaders) {
        u.startOf(generation, reason == null);
      }
      // 1. every replica: is a newer writer there? (reads only)
      awaitStore(uploaders.stream().map(u -> u.<Void>onStrand(() -> {
        u.checkAtStart();
        return null;
      })).toList(), deadline);
      // 2. the local part: new generation, first ship and snapshot into the spool
      shipping.begin(reason);
      begun = true;
      // 3. a new history claims every replica: the PUT proves write access
      if (reason != null) {
        awaitStore(uploaders.stream().map(u -> u.<Void>onStrand(() -> {
          try {
            u.claim().claim(generation);
          } catch (IOException e) {
            u.failedBeforeUploads(e);
            throw e;
          }
          return null;
        })).toList(), deadline);
      }
      watcher = new WalWatcher(cfg.db(), shipping, cfg.maxCheckpointPages(), cfg.syncInterval(), LOG, name);
      watcher.start(workers.scheduler());
    } catch (IOException | SQLException | RuntimeException | Error e) {
      shipping.closeConnections();
      release();
      // a first start that failed leaves no spool behind; one that had begun uploaded nothing
      spool.removeIfCreated(begun);
      throw e;
    }
    started = true;
    Position p = shipping.position();
    LOG.info("litewake [{}]: replicating to {} (generation {}, index {}, offset {}, sync every {})",
        name, location(), p.generation(), p.index(), p.offset(), cfg.syncInterval());
    kickAll();
  }

  /**
   * Waits for the replicas' start tasks until {@code deadline}: a refusal (a newer writer) or a
   * permanent store error fails the start; a transient error or no answer in time does not (one
   * WARN; the uploader checks again before its first upload and retries).
   */
  private void awaitStore(List<CompletableFuture<Void>> tasks, long deadline) throws IOException {
    for (int i = 0; i < tasks.size(); i++) {
      String where = uploaders.get(i).location();
      try {
        tasks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        LOG.warn("litewake [{}]: {} did not answer within {}; replicating into the spool {}, uploads start when it"
            + " answers", name, where, START_STORE_WAIT, spool.dir());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LitewakeException("interrupted while asking " + where, e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
          throw re; // another writer's newer claim: refused
        }
        if (io.litewake.spi.ReplicaConfigurationException.isPermanent(c)) {
          throw (IOException) c;
        }
        LOG.warn("litewake [{}]: cannot reach {} ({}); replicating into the spool {}, uploads start when it answers",
            name, where, c.toString(), spool.dir());
      }
    }
  }

  /** On the fenced replica's strand: its lane takes and keeps nothing more. */
  private void retire(int lane) {
    try {
      lanes.retire(lane);
    } catch (IOException e) {
      LOG.debug("litewake [{}]: deleting spool files of fenced {}: {}", name, lanes.location(lane), e.toString());
    }
    progressed();
  }

  private boolean allFenced() {
    for (Uploader u : uploaders) {
      if (u.fencedBy() == null) {
        return false;
      }
    }
    return !uploaders.isEmpty();
  }

  private void kickAll() {
    for (Uploader u : uploaders) {
      u.kick();
    }
  }

  /**
   * On the pass strand, after each spooled WAL segment: a replica whose pending WAL passed the
   * spool limit (its store has been unreachable that long) gives up its pending history; returns
   * true if one did, and the caller starts a new generation, so the latest state still reaches
   * it when it is back. The other replicas keep everything they have not uploaded yet.
   */
  private boolean spoolLimit() {
    boolean dropped = false;
    for (int i = 0; i < lanes.size(); i++) {
      if (lanes.pendingWalBytes(i) <= cfg.maxSpoolBytes()) {
        continue;
      }
      List<Spool.Entry> gone = lanes.drop(i);
      long bytes = gone.stream().mapToLong(Spool.Entry::size).sum();
      LOG.warn("litewake [{}]: spool limit of {} bytes reached while {} is unreachable; dropped its {} pending objects"
          + " ({} bytes) and starting a new generation from a snapshot: the latest state is kept, point-in-time"
          + " history of the outage is not", name, cfg.maxSpoolBytes(), lanes.location(i), gone.size(), bytes);
      listener.spoolOverflowed(gone.size(), bytes);
      dropped = true;
    }
    if (dropped) {
      progressed();
    }
    return dropped;
  }

  /** How long start() waits for the store to answer before it goes on spooling. */
  private static final Duration START_STORE_WAIT = Duration.ofSeconds(3);

  private void progressed() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  /** Ships everything committed so far and waits until the replica holds it. */
  public void sync(Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    if (closed) {
      throw new LitewakeException("replicator of " + cfg.db() + " is closed");
    }
    requireNotFenced();
    long target;
    try {
      target = await(shipping.syncPass(), deadline);
    } catch (TimeoutException e) {
      throw new SyncTimeoutException("sync of " + cfg.db() + " timed out after " + timeout
          + " while copying the WAL (a replication pass is still running); nothing is lost", null);
    } catch (IOException | SQLException e) {
      throw new LitewakeException("sync of " + cfg.db() + " to " + location() + " failed: " + e.getMessage(), e);
    }
    kickAll();
    awaitUploaded(target, deadline, timeout, false);
    listener.synced(Duration.ofNanos(System.nanoTime() - start));
  }

  private static long await(CompletableFuture<Long> f, long deadline)
      throws TimeoutException, IOException, SQLException {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LitewakeException("interrupted while waiting for a replication pass", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof SQLException sql) {
        throw sql;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new LitewakeException(String.valueOf(c), c);
    }
  }

  private void requireNotFenced() {
    for (Uploader u : uploaders) {
      String by = u.fencedBy();
      if (by != null) {
        throw new FencedException("replication of " + cfg.db() + " to " + u.location() + " is fenced: " + by
            + "; this instance's writes are not replicated there. Stop this instance, or restore from the replica");
      }
    }
  }

  /**
   * Waits until every replica has everything up to {@code target}. For {@code sync()} a fenced
   * replica fails it at once; when {@code closing}, fenced replicas are left out and the others are
   * waited for.
   */
  private void awaitUploaded(long target, long deadline, Duration timeout, boolean closing) {
    synchronized (progress) {
      while (true) {
        if (!closing) {
          requireNotFenced();
        }
        int behind = firstBehind(target);
        if (behind < 0) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          Uploader u = uploaders.get(behind);
          Exception err = u.lastError();
          long objects = lanes.pending(behind).stream().filter(e -> e.seq() <= target).count();
          throw new SyncTimeoutException("sync of " + cfg.db() + " timed out after " + timeout + ": " + objects
              + " objects not yet in " + u.location() + (err == null ? "" : " (last error: " + err.getMessage() + ")")
              + "; they stay in the spool " + spool.dir() + " and are retried", err);
        }
        try {
          progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LitewakeException("sync of " + cfg.db() + " interrupted", e);
        }
      }
    }
  }

  /** The first replica that does not have everything up to {@code target} yet, or -1. */
  private int firstBehind(long target) {
    for (int i = 0; i < lanes.size(); i++) {
      if (!lanes.retired(i) && lanes.doneThrough(i) < target) {
        return i;
      }
    }
    return -1;
  }

  /** An immutable view of where replication stands; never waits for replication work. */
  public ReplicationStatus status() {
    Position p = shipping.position();
    Instant now = Instant.now();
    List<ReplicaStatus> replicas = new ArrayList<>();
    Duration worst = Duration.ZERO;
    boolean fenced = false;
    for (int i = 0; i < uploaders.size(); i++) {
      Uploader u = uploaders.get(i);
      Spool.Entry oldest = lanes.oldest(i);
      Duration lag = oldest == null ? Duration.ZERO : max0(Duration.between(oldest.since(), now));
      Exception err = u.lastError();
      boolean f = u.fencedBy() != null;
      replicas.add(new ReplicaStatus(u.location(), Optional.ofNullable(u.replicated()), lag, lanes.pendingBytes(i),
          Optional.ofNullable(u.lastUploadAt()), Optional.ofNullable(err).map(Exception::toString), f));
      worst = lag.compareTo(worst) > 0 ? lag : worst;
      fenced |= f;
    }
    return new ReplicationStatus(name, p, worst, spool.pendingBytes(), fenced, replicas);
  }

  private static Duration max0(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * Final pass, then waits for the uploads until {@code closeTimeout} after the call, then stops.
   * Whatever was not uploaded stays in the spool. Returns within {@code closeTimeout} plus the
   * time an upload under way takes to abort.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true; // sync() refuses from now on
    }
    if (!started) {
      return; // start() failed and released everything itself
    }
    long deadline = System.nanoTime() + cfg.closeTimeout().toNanos();
    watcher.stop();
    CompletableFuture<Long> last = shipping.close(deadline);
    long target = -1;
    try {
      target = await(last, deadline);
    } catch (TimeoutException e) {
      // the strand is still busy (a long pass queued before the close): it closes the connections
      // when it gets there; the spool lock is released only then, so no other replicator of this
      // database can start on the spool while this one still writes to it
      LOG.warn("litewake [{}]: the final replication pass did not finish within {}; what it has not copied is"
          + " copied at the next start", name, cfg.closeTimeout());
      Position p = shipping.position();
      last.whenComplete((t, err) -> {
        release();
        LOG.info("litewake [{}]: replication to {} stopped at {}", name, location(), shipping.position());
      });
      LOG.debug("litewake [{}]: close returns at {} while the last pass finishes", name, p);
      return;
    } catch (IOException | SQLException | RuntimeException e) {
      LOG.warn("litewake [{}]: final replication pass failed: {}", name, e.toString());
    }
    if (target >= 0) {
      kickAll();
      try {
        awaitUploaded(target, deadline, cfg.closeTimeout(), true);
      } catch (LitewakeException e) {
        LOG.warn("litewake [{}]: closing with {} bytes not yet uploaded to {}; they stay in {} and are uploaded at the"
            + " next start", name, spool.pendingBytes(), location(), spool.dir());
      }
    }
    Position p = shipping.position();
    release();
    LOG.info("litewake [{}]: replication to {} stopped at {}", name, location(), p);
  }

  /** Stops the uploads, closes owned replicas, owned threads and the spool lock. */
  private void release() {
    if (watcher != null) {
      watcher.stop();
    }
    for (Uploader u : uploaders) {
      u.stop();
    }
    if (cfg.ownsReplicas()) {
      for (Replica r : cfg.replicas()) {
        try {
          r.close();
        } catch (RuntimeException e) {
          LOG.debug("litewake [{}]: closing the replica: {}", name, e.toString());
        }
      }
    }
    if (workers != null && cfg.sharedWorkers() == null) {
      workers.close();
    }
    if (spoolLock != null) {
      try {
        spoolLock.close();
      } catch (Exception e) {
        LOG.debug("litewake [{}]: releasing the spool lock: {}", name, e.toString());
      }
    }
  }
}
