package io.litewake.cli;

import io.litewake.Compression;
import io.litewake.LitewakeException;
import io.litewake.Replicator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code litewake replicate}: the sidecar, for applications not on the JVM. Runs a {@link
 * Replicator} with the builder's options until SIGTERM or SIGINT, then syncs once more and closes
 * cleanly (exit code 0); a second signal exits at once (what was not uploaded stays in the spool
 * and goes up at the next start). Exits 1 if another writer takes the replica over.
 */
@Command(name = "replicate", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    header = "Replicates a database until SIGTERM/SIGINT (a sidecar).",
    description = {"Replicates a database (WAL mode) to a replica until SIGTERM or SIGINT, then runs a final "
        + "sync and closes cleanly (exit code 0). A sidecar for applications not on the JVM: they "
        + "write the database as usual. Durations: 500ms, 1s, 10m, 24h, 7d or ISO-8601 (PT1S).", ""})
final class ReplicateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.cli");
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--sync-interval", paramLabel = "D", converter = Converters.GoDuration.class,
      description = "How often committed WAL frames are copied (default 1s): the replication lag.")
  Duration syncInterval;

  @Option(names = "--snapshot-interval", paramLabel = "D", converter = Converters.GoDuration.class,
      description = "How often a whole-database snapshot is written, if the database changed (default 24h).")
  Duration snapshotInterval;

  @Option(names = "--snapshot-wal-ratio", paramLabel = "X",
      description = "Also take a snapshot once the WAL since the last one passes X times the database's size"
          + " (default 1.0): a restore then reads about the database, not a day of WAL.")
  Double snapshotWalRatio;

  @Option(names = "--snapshot-wal-objects", paramLabel = "N",
      description = "... or once N WAL segments were uploaded since it (default 3600).")
  Integer snapshotWalObjects;

  @Option(names = "--retention", paramLabel = "D", converter = Converters.GoDuration.class,
      description = "How far back point-in-time restores stay possible (default 24h).")
  Duration retention;

  @Option(names = "--compression", paramLabel = "C",
      description = "ZSTD (default) or LZ4 (readable by 'litestream restore').")
  Compression compression;

  @Option(names = "--spool-directory", paramLabel = "DIR",
      description = "Pending uploads and the replication state (default .<db>-litewake beside the database).")
  Path spoolDirectory;

  @Option(names = "--spool-limit", paramLabel = "SIZE", converter = Converters.ByteSize.class,
      description = "WAL bytes the spool holds during a store outage (default 1GiB).")
  Long spoolLimit;

  @Option(names = "--sync-timeout", paramLabel = "D", converter = Converters.GoDuration.class,
      description = "How long a sync waits for the store (default 1m).")
  Duration syncTimeout;

  @Option(names = "--close-timeout", paramLabel = "D", converter = Converters.GoDuration.class,
      description = "How long the final sync and the close each wait for pending uploads (default 10s).")
  Duration closeTimeout;

  @Option(names = "--fencing-check-interval", paramLabel = "D", converter = Converters.GoDuration.class,
      description = "How often, at most, an uploading replicator checks that no other took over (default 10s).")
  Duration fencingCheckInterval;

  @Option(names = "--min-checkpoint-pages", paramLabel = "N",
      description = "WAL pages above which a PASSIVE checkpoint runs after copying (default 1000).")
  Integer minCheckpointPages;

  @Option(names = "--max-checkpoint-pages", paramLabel = "N",
      description = "WAL pages above which the WAL is copied and checkpointed under a brief write lock (default 10000).")
  Integer maxCheckpointPages;

  @Parameters(index = "0", paramLabel = "DB", description = "The SQLite database file, in WAL mode.")
  Path database;

  @Parameters(index = "1", paramLabel = "URI", converter = Converters.ReplicaUri.class,
      description = "The replica: s3://BUCKET/PREFIX[?params] or file:///DIR.")
  URI uri;

  @Override
  public Integer call() throws InterruptedException {
    Replicator.Builder b = Replicator.of(database).to(uri);
    if (syncInterval != null) {
      b.syncInterval(syncInterval);
    }
    if (snapshotInterval != null) {
      b.snapshotInterval(snapshotInterval);
    }
    if (snapshotWalRatio != null) {
      b.snapshotWalRatio(snapshotWalRatio);
    }
    if (snapshotWalObjects != null) {
      b.snapshotWalObjects(snapshotWalObjects);
    }
    if (retention != null) {
      b.retention(retention);
    }
    if (compression != null) {
      b.compression(compression);
    }
    if (spoolDirectory != null) {
      b.spoolDirectory(spoolDirectory);
    }
    if (spoolLimit != null) {
      b.spoolLimit(spoolLimit);
    }
    if (syncTimeout != null) {
      b.syncTimeout(syncTimeout);
    }
    if (closeTimeout != null) {
      b.closeTimeout(closeTimeout);
    }
    if (fencingCheckInterval != null) {
      b.fencingCheckInterval(fencingCheckInterval);
    }
    if (minCheckpointPages != null) {
      b.minCheckpointPages(minCheckpointPages);
    }
    if (maxCheckpointPages != null) {
      b.maxCheckpointPages(maxCheckpointPages);
    }
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<String> signal = new AtomicReference<>();
    Signals.onTermination(name -> {
      if (!signal.compareAndSet(null, name)) {
        LOG.warn("litewake [{}]: second SIG{}: exiting without waiting; what was not uploaded stays in the spool"
            + " and is uploaded at the next start", database.getFileName(), name);
        return true; // halt now
      }
      stop.countDown();
      return false;
    });
    Replicator r = b.start();
    Thread hook = new Thread(r::close, "litewake-close");
    Runtime.getRuntime().addShutdownHook(hook); // any other way out (SIGHUP, an error) still closes
    LOG.info("litewake [{}]: replicating {} to {}; stop with SIGTERM or SIGINT", database.getFileName(),
        database.toAbsolutePath(), Text.mask(uri));
    try {
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (r.status().fenced()) {
          throw Litewake.Failure.failed("stopped: another writer took over " + Text.mask(uri)
              + " (its writer claim names a newer generation); this replicator uploads nothing more. Stop the other"
              + " writer, or restore from the replica and start again");
        }
      }
      LOG.info("litewake [{}]: SIG{}: final sync", database.getFileName(), signal.get());
      Duration limit = closeTimeout == null ? DEFAULT_CLOSE_TIMEOUT : closeTimeout;
      try {
        r.sync(limit);
      } catch (LitewakeException e) {
        throw Litewake.Failure.failed("final sync failed: " + Text.oneLine(e.getMessage()) + "; what was not uploaded"
            + " stays in the spool and is uploaded at the next start");
      }
      LOG.info("litewake [{}]: in sync at {}; closing", database.getFileName(), r.status().position());
      return Litewake.OK;
    } finally {
      r.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
  }
}
