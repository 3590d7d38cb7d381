package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.ReplicaContents;
import io.litewake.RestoreListener;
import io.litewake.RestorePlan;
import io.litewake.RestoreResult;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import io.litewake.spi.Replica;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a database from a replica by wiring the steps: {@link RestorePlanner} chooses the
 * snapshot and WAL segments from the listing, {@link RestoreFetcher} downloads them in parallel
 * under a memory budget, {@link SnapshotApplier} and {@link WalApplier} write and check every
 * byte into the temporary file of a {@link RestoreOutput}, which runs {@code PRAGMA
 * integrity_check} and only then moves the file into place.
 *
 * <p>State: none of its own beyond the request; one engine serves one {@link #run()} on the
 * caller's thread, which owns every step's state.
 */
public final class RestoreEngine {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.Restore");

  /**
   * What to restore, validated by the public builder.
   *
   * @param replica where to read
   * @param target the output path, as the caller gave it
   * @param point which state to restore
   * @param ifDatabaseMissing skip when the output exists
   * @param ifReplicaExists skip when the replica holds no generation
   * @param overwrite replace an existing output
   * @param parallelism downloads at once
   * @param integrityCheck the SQLite check run before moving the output in place
   * @param identities the age identities encrypted objects are decrypted with
   * @param startNanos {@link System#nanoTime()} when the caller started (for the elapsed time)
   * @param listener hears the plan and the bytes read, or null
   */
  public record Request(
      Replica replica,
      Path target,
      RestorePoint point,
      boolean ifDatabaseMissing,
      boolean ifReplicaExists,
      boolean overwrite,
      int parallelism,
      io.litewake.IntegrityCheck integrityCheck,
      AgeIdentities identities,
      long startNanos,
      RestoreListener listener) {}

  private final Request req;
  private final String name;

  /**
   * Creates an engine for one request.
   *
   * @param req the request
   */
  public RestoreEngine(Request req) {
    this.req = req;
    this.name = req.target() == null ? "plan" : req.target().getFileName().toString();
  }

  /**
   * Lists the replica.
   *
   * @param replica the replica
   * @return its parsed contents
   * @throws IOException if the listing fails
   */
  public static ReplicaContents list(Replica replica) throws IOException {
    List<io.litewake.spi.StoredObject> objects = replica.list(Layout.GENERATIONS);
    // the claim is read only when the listing holds several generations: only then can it matter
    java.util.Optional<String> claimed = java.util.Optional.empty();
    if (objects.stream().map(o -> generationOf(o.key())).distinct().limit(2).count() > 1) {
      claimed = WriterClaim.claimedGeneration(replica);
    }
    return Layout.parse(replica.location(), objects, claimed);
  }

  private static String generationOf(String key) {
    int end = key.indexOf('/', Layout.GENERATIONS.length());
    return end < 0 ? key : key.substring(0, end);
  }

  /**
   * Plans the restore as {@link #run()} would, with the same checks of the target and the same
   * listing, reading no object.
   *
   * @return the plan, or empty when {@link #run()} would skip the restore
   * @throws IOException if the listing fails
   * @throws LitewakeException if the restore is impossible (as {@link #run()} would throw it)
   */
  public Optional<RestorePlan> plan() throws IOException {
    Path target = req.target() == null ? null : req.target().toAbsolutePath();
    if (target != null) {
      if (req.ifDatabaseMissing() && Files.exists(target)) {
        return Optional.empty();
      }
      RestoreOutput.checkTarget(target, req.overwrite());
    }
    ReplicaContents contents = list(req.replica());
    if (contents.isEmpty()) {
      if (req.ifReplicaExists()) {
        return Optional.empty();
      }
      throw emptyReplica(target == null ? "" : " " + target, req.replica().location());
    }
    return Optional.of(RestorePlanner.plan(contents, req.point()));
  }

  private static LitewakeException emptyReplica(String target, String location) {
    return new LitewakeException("cannot restore" + target + " from " + location
        + ": the replica holds no generation; check the URI, or call ifReplicaExists() to start empty");
  }

  /**
   * Runs the restore.
   *
   * @return what was restored, or why nothing was
   * @throws IOException if reading the replica or writing the output fails
   * @throws LitewakeException if the restore is impossible; {@link io.litewake.ReplicaDamagedException}
   *     if an object is damaged or missing
   */
  public RestoreResult run() throws IOException {
    long t0 = req.startNanos();
    Path target = req.target().toAbsolutePath();
    if (req.ifDatabaseMissing() && Files.exists(target)) {
      return BootSkip.existing(req.target(), t0);
    }
    RestoreOutput.checkTarget(target, req.overwrite());
    warmUp();
    ReplicaContents contents = list(req.replica());
    String location = req.replica().location();
    LOG.debug("litewake [{}]: listed {} in {} ms", name, location, (System.nanoTime() - t0) / 1_000_000);
    if (contents.isEmpty()) {
      if (req.ifReplicaExists()) {
        LOG.info("litewake [{}]: replica {} is empty, restore skipped", name, location);
        return skipped(RestoreResult.SkipReason.REPLICA_EMPTY, t0);
      }
      throw emptyReplica(" " + target, location);
    }
    RestorePlan plan = RestorePlanner.plan(contents, req.point());
    if (req.listener() != null) {
      try {
        req.listener().planned(plan);
      } catch (RuntimeException e) {
        LOG.warn("litewake [{}]: restore listener {} failed in planned: {}", name, req.listener(), e.toString());
      }
    }
    if (plan.betweenKeptPoints()) {
      LOG.info("litewake [{}]: {} falls between restore points that retention kept in {}; restoring the newest one at"
          + " or before it: generation {} snapshot index {} ({})", name, req.point().at().orElseThrow(), location,
          plan.generation().id(), plan.snapshot().index(), plan.pointInTime());
    }
    plan.passedOver().ifPresent(newest -> LOG.warn("litewake [{}]: newest generation {} in {} has no snapshot yet;"
        + " restoring generation {}", name, newest, location, plan.generation().id()));
    try (RestoreOutput out = RestoreOutput.create(target)) {
      long offset = assemble(plan, out, target);
      long tCheck = System.nanoTime();
      out.check(req.integrityCheck()); // reads the file while the disk flushes it
      long tSeal = System.nanoTime();
      out.seal();
      LOG.debug("litewake [{}]: {} {} ms, then fsync {} ms", name, req.integrityCheck(), (tSeal - tCheck) / 1_000_000,
          (System.nanoTime() - tSeal) / 1_000_000);
      long bytes = out.commit();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      RestoreResult result = RestoreResult.restored(req.target(), plan.generation().id(), plan.snapshot().index(),
          plan.endIndex(), offset, plan.pointInTime(), bytes, plan.objects(), plan.bytes(), took);
      LOG.info("litewake [{}]: restored from {} generation {} index {} offset {} ({} bytes, {} objects, {} ms)",
          name, location, plan.generation().id(), plan.endIndex(), offset, bytes, plan.objects(), took.toMillis());
      return result;
    }
  }

  /**
   * Loads, on a daemon thread while the replica is listed, the native libraries the restore needs
   * later (zstd, LZ4, SQLite for the check): on a cold JVM that is a tenth of a second off the
   * critical path.
   */
  private static void warmUp() {
    Thread t = new Thread(() -> {
      try {
        Codecs.loadNatives();
        RestoreOutput.loadSqlite();
      } catch (RuntimeException | LinkageError e) {
        // the restore loads them itself when it needs them, and reports what fails then
      }
    }, "litewake-restore-warmup");
    t.setDaemon(true);
    t.start();
  }

  private RestoreResult skipped(RestoreResult.SkipReason why, long t0) {
    return RestoreResult.skipped(req.target(), why, Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * Writes the plan's snapshot into {@code db} as it downloads while the WAL segments download and
   * merge on another thread, then writes the last committed version of each page over it.
   *
   * @return the WAL offset where the last segment ended
   */
  private long assemble(RestorePlan plan, RestoreOutput out, Path target) throws IOException {
    FileChannel db = out.channel();
    String location = req.replica().location();
    Snapshot snap = plan.snapshot();
    List<WalSegment> segments = plan.segments();
    Replica source = req.listener() == null ? req.replica() : new ProgressReplica(req.replica(), req.listener());
    ObjectDecoder decoder = new ObjectDecoder(location, req.identities());
    try (RestoreFetcher fetcher = new RestoreFetcher(source, target, segments, req.parallelism(), decoder);
        WalMerger wal = segments.isEmpty() ? null : new WalMerger(name, location, plan.generation().id(),
            snap.index(), segments, fetcher, fetcher.workDir())) {
      long tSnap = System.nanoTime();
      java.util.function.IntConsumer pageSize = wal == null ? size -> { } : wal::pageSize;
      try {
        // one pass, as it arrives: download, decrypt, decompress, write (WAL segments download and merge meanwhile)
        SnapshotApplier.apply(decoder, location, snap, fetcher.stream(snap), db, pageSize);
      } catch (RestoreFetcher.SourceFailed e) {
        LOG.debug("litewake [{}]: streaming {} failed ({}); downloading it to a file instead", name, snap.key(),
            e.getCause().toString());
        db.truncate(0);
        SnapshotApplier.apply(decoder, location, snap, fetcher.download(snap), db, pageSize);
      }
      LOG.debug("litewake [{}]: snapshot {} applied in {} ms", name, snap.key(), (System.nanoTime() - tSnap) / 1_000_000);
      if (wal == null) {
        out.startFlush();
        return 0;
      }
      long tWal = System.nanoTime();
      out.startFlush(); // the snapshot's pages go to disk while the WAL merge finishes and the check reads
      long offset = wal.writeTo(db);
      LOG.debug("litewake [{}]: {} WAL objects merged and written {} ms after the snapshot", name, segments.size(),
          (System.nanoTime() - tWal) / 1_000_000);
      return offset;
    }
  }
}
