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
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  /** Settings, validated by the public builder. */
  public record Config(
      Path db,
      Replica replica,
      boolean ownsReplica,
      Duration syncInterval,
      Duration snapshotInterval,
      Duration retention,
      Compression compression,
      Path spoolDir,
      long maxSpoolBytes,
      int minCheckpointPages,
      int maxCheckpointPages,
      Duration syncTimeout,
      Duration closeTimeout,
      Duration fenceCheckInterval,
      Clock clock,
      ReplicationListener listener) {}

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
  private Uploader uploader;
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

  /** Where the replica lives, secrets masked. */
  public String location() {
    return cfg.replica().location();
  }

  /**
   * Opens connections, verifies or starts a generation, spools what is new, starts the work. On
   * failure everything it opened is closed again before it throws.
   */
  public void start() throws IOException, SQLException {
    spool = new Spool(cfg.spoolDir());
    workers = new Workers(name, 2);
    uploader = new Uploader(cfg.replica(), spool, workers, LOG, name, listener, cfg.clock(), cfg.retention(),
        cfg.fenceCheckInterval(), () -> shipping.position(), this::progressed);
    shipping = new Shipping(cfg, LOG, spool, workers, listener, uploader::kick, this::overflowed,
        () -> uploader.fencedBy() != null);
    try {
      shipping.connect();
      spool.open();
      spoolLock = spool.lock();
      String reason = shipping.resume();
      claimAtStart(reason);
      shipping.begin(reason);
    } catch (IOException | SQLException | RuntimeException | Error e) {
      shipping.closeConnections();
      release();
      spool.removeIfCreated();
      throw e;
    }
    started = true;
    Position p = shipping.position();
    LOG.info("litewake [{}]: replicating to {} (generation {}, index {}, offset {}, sync every {})",
        name, location(), p.generation(), p.index(), p.offset(), cfg.syncInterval());
    uploader.kick();
    watcher = new WalWatcher(cfg.db(), shipping, cfg.maxCheckpointPages(), LOG, name);
    watcher.start(workers.scheduler());
  }

  /** How long start() waits for the store to answer its claim before it goes on spooling. */
  private static final Duration START_STORE_WAIT = Duration.ofSeconds(3);

  /**
   * Refuses to continue a generation that a newer writer took over, and claims the replica for a
   * new generation (a PUT: it proves write access). A permanent store error
   * (access denied, no such bucket, bad credentials, wrong region) fails the start; a transient
   * one (unreachable, 5xx, timeouts), or no answer within {@link #START_STORE_WAIT}, does not: the
   * spool absorbs the outage and the uploader claims before its first upload.
   */
  private void claimAtStart(String reason) throws IOException {
    String generation = shipping.generationFor(reason);
    WriterClaim claim = uploader.claim();
    CompletableFuture<Void> f = uploader.onStrand(() -> {
      try {
        claim.checkStart(generation, reason == null, claim.read());
        if (reason != null) {
          // a new history: claim it now. A continuing one claims at its first upload, as before:
          // a clone of a live instance's volume must not take the replica over by merely starting
          claim.claim(generation);
        }
      } catch (IOException e) {
        uploader.failedBeforeUploads(e); // the start says so once; the uploader retries quietly
        throw e;
      }
      return null;
    });
    try {
      f.get(START_STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("litewake [{}]: {} did not answer within {}; replicating into the spool {}, uploads start when it"
          + " answers", name, location(), START_STORE_WAIT, spool.dir());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LitewakeException("interrupted while claiming " + location(), e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re; // another writer's newer claim: refused
      }
      if (io.litewake.spi.ReplicaConfigurationException.isPermanent(c)) {
        throw (IOException) c;
      }
      LOG.warn("litewake [{}]: cannot reach {} ({}); replicating into the spool {}, uploads start when it answers",
          name, location(), c.toString(), spool.dir());
    }
  }

  private void progressed() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  private void overflowed(List<Spool.Entry> dropped) {
    long bytes = dropped.stream().mapToLong(Spool.Entry::size).sum();
    LOG.warn("litewake [{}]: spool limit of {} bytes reached while {} is unreachable; dropped {} pending objects "
        + "({} bytes) and starting a new generation from a snapshot: the latest state is kept, "
        + "point-in-time history of the outage is not", name, cfg.maxSpoolBytes(), location(), dropped.size(), bytes);
    listener.spoolOverflowed(dropped.size(), bytes);
    progressed();
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
    uploader.kick();
    awaitUploaded(target, deadline, timeout);
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
    String by = uploader == null ? null : uploader.fencedBy();
    if (by != null) {
      throw new FencedException("replication of " + cfg.db() + " to " + location() + " is fenced: " + by
          + "; this instance's writes are not replicated. Stop this instance, or restore from the replica");
    }
  }

  private void awaitUploaded(long target, long deadline, Duration timeout) {
    synchronized (progress) {
      while (spool.doneThrough() < target) {
        requireNotFenced();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          Exception err = uploader.lastError();
          long behind = spool.pending().stream().filter(e -> e.seq() <= target).count();
          throw new SyncTimeoutException("sync of " + cfg.db() + " timed out after " + timeout + ": " + behind
              + " objects not yet in " + location() + (err == null ? "" : " (last error: " + err.getMessage() + ")")
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

  /** An immutable view of where replication stands; never waits for replication work. */
  public ReplicationStatus status() {
    Position p = shipping.position();
    Spool.Entry oldest = spool.oldest();
    Duration lag = oldest == null ? Duration.ZERO : max0(Duration.between(oldest.since(), Instant.now()));
    long pending = spool.pendingBytes();
    boolean fenced = uploader.fencedBy() != null;
    Exception err = uploader.lastError();
    ReplicaStatus r = new ReplicaStatus(location(), Optional.ofNullable(uploader.replicated()), lag, pending,
        Optional.ofNullable(uploader.lastUploadAt()), Optional.ofNullable(err).map(Exception::toString), fenced);
    return new ReplicationStatus(name, p, lag, pending, fenced, List.of(r));
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
    long target = -1;
    try {
      target = await(shipping.close(), deadline);
    } catch (TimeoutException e) {
      LOG.warn("litewake [{}]: the final replication pass did not finish within {}; what it had not copied is"
          + " copied at the next start", name, cfg.closeTimeout());
    } catch (IOException | SQLException | RuntimeException e) {
      LOG.warn("litewake [{}]: final replication pass failed: {}", name, e.toString());
    }
    if (target >= 0) {
      uploader.kick();
      try {
        awaitUploaded(target, deadline, cfg.closeTimeout());
      } catch (FencedException e) {
        LOG.debug("litewake [{}]: closing fenced; {} bytes stay unreplicated in {}", name, spool.pendingBytes(), spool.dir());
      } catch (LitewakeException e) {
        LOG.warn("litewake [{}]: closing with {} bytes not yet uploaded to {}; they stay in {} and are uploaded at the"
            + " next start", name, spool.pendingBytes(), location(), spool.dir());
      }
    }
    Position p = shipping.position();
    release();
    LOG.info("litewake [{}]: replication to {} stopped at {}", name, location(), p);
  }

  /** Stops the uploads, closes an owned replica, the threads and the spool lock. */
  private void release() {
    if (uploader != null) {
      uploader.stop();
    }
    if (cfg.ownsReplica()) {
      try {
        cfg.replica().close();
      } catch (RuntimeException e) {
        LOG.debug("litewake [{}]: closing the replica: {}", name, e.toString());
      }
    }
    if (workers != null) {
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
