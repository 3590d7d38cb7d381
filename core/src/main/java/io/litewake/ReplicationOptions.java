package io.litewake;

import io.litewake.internal.AgeRecipients;
import io.litewake.internal.Checks;
import io.litewake.internal.KeepPolicy;
import io.litewake.internal.ReplicationEngine;
import io.litewake.internal.Workers;
import io.litewake.spi.Replica;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The replication options shared by {@link Replicator.Builder} and {@link ReplicatorGroup.Builder}.
 * Every setter checks its argument at once, with a message naming the bad value; each option may be
 * set once. Cross-option checks happen at {@code start()}.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class ReplicationOptions<B extends ReplicationOptions<B>> {
  private static final long DEFAULT_SPOOL_LIMIT = 1L << 30;
  private Duration syncInterval;
  private Duration snapshotInterval;
  private Double snapshotWalRatio;
  private Integer snapshotWalObjects;
  private Duration retention;
  private Compression compression;
  private Long spoolLimit;
  private Duration syncTimeout;
  private Duration closeTimeout;
  private Integer minCheckpointPages;
  private Integer maxCheckpointPages;
  private Clock clock;
  private Duration fencingCheckInterval;
  private ReplicationListener listener;
  private AgeRecipients recipients;
  private Integer keepDaily;
  private Integer keepWeekly;
  private Integer keepMonthly;
  private boolean appendOnly;
  private Long uploadRateLimit;

  ReplicationOptions() {}

  abstract B self();

  /**
   * How often committed transactions are copied from the WAL (default 1 second). This bounds
   * the replication lag; {@link Replicator#sync()} does not wait for it.
   *
   * @param interval a positive duration
   * @return this builder
   */
  public B syncInterval(Duration interval) {
    Checks.requirePositive(interval, "syncInterval");
    Checks.requireUnset(syncInterval, "syncInterval");
    syncInterval = interval;
    return self();
  }

  /**
   * How often a new snapshot of the whole database is written, when it changed (default 24
   * hours). Restores replay the WAL from the last snapshot, so shorter intervals make restores
   * faster and replicas larger.
   *
   * @param interval a positive duration
   * @return this builder
   */
  public B snapshotInterval(Duration interval) {
    Checks.requirePositive(interval, "snapshotInterval");
    Checks.requireUnset(snapshotInterval, "snapshotInterval");
    snapshotInterval = interval;
    return self();
  }

  /**
   * Takes a snapshot, whatever {@link #snapshotInterval(Duration)} says, once the WAL shipped since
   * the last snapshot (compressed, as stored) exceeds this multiple of the database file's size
   * (default 1.0), and at least 1 MiB (a small database is not snapshotted at every segment). The
   * snapshot is taken at the start of a WAL index: a restore reads a snapshot's index from its start,
   * so when the current index already holds more than the bound, the checkpointer starts the next
   * one first. A restore of the latest state then fetches the last snapshot plus at most about 2.5
   * times the bound of WAL, however long ago the last scheduled snapshot was; the price is one more
   * snapshot upload each time the WAL grew by that much (at most as many bytes again as the WAL
   * itself). Larger values trade restore time and bytes for fewer snapshots.
   *
   * @param multipleOfDatabaseSize a positive number, such as 0.5 or 4
   * @return this builder
   */
  public B snapshotWalRatio(double multipleOfDatabaseSize) {
    Checks.requireArgument(multipleOfDatabaseSize > 0 && Double.isFinite(multipleOfDatabaseSize),
        "snapshotWalRatio must be a positive finite number (such as 0.5 or 4), was " + multipleOfDatabaseSize);
    Checks.requireUnset(snapshotWalRatio, "snapshotWalRatio");
    snapshotWalRatio = multipleOfDatabaseSize;
    return self();
  }

  /**
   * Takes a snapshot, whatever {@link #snapshotInterval(Duration)} says, once this many WAL
   * segments were shipped since the last snapshot (default 3,600: an hour of constant writes at the
   * default one-second sync). A restore reads every segment since the last snapshot, one request
   * each; without this bound, 24-hour snapshots under constant writes leave up to 86,400 of them.
   * The price is at most one snapshot upload per this many segments.
   *
   * @param segments a positive count
   * @return this builder
   */
  public B snapshotWalObjects(int segments) {
    Checks.requireArgument(segments > 0, "snapshotWalObjects must be positive, was " + segments);
    Checks.requireUnset(snapshotWalObjects, "snapshotWalObjects");
    snapshotWalObjects = segments;
    return self();
  }

  /**
   * How far back point-in-time restores must stay possible (default 24 hours). Older snapshots,
   * WAL segments and generations are deleted once nothing in the window needs them.
   *
   * @param retention a positive duration
   * @return this builder
   */
  public B retention(Duration retention) {
    Checks.requirePositive(retention, "retention");
    Checks.requireUnset(this.retention, "retention");
    this.retention = retention;
    return self();
  }

  /**
   * How objects are compressed (default {@link Compression#ZSTD}; {@link Compression#LZ4} keeps
   * the replica readable by Litestream v0.3).
   *
   * @param compression the codec
   * @return this builder
   */
  public B compression(Compression compression) {
    Checks.requireNonNull(compression, "compression");
    Checks.requireUnset(this.compression, "compression");
    this.compression = compression;
    return self();
  }

  /**
   * How many bytes of WAL segments the spool may hold while the store is unreachable (default
   * 1 GiB). Past it, the pending history is dropped and a new generation starts from a
   * snapshot: the latest state still reaches the store when it is back, but point-in-time
   * history of the outage is lost (a WARN line says so). The snapshot itself is not counted.
   *
   * @param bytes a positive number of bytes
   * @return this builder
   */
  public B spoolLimit(long bytes) {
    Checks.requireArgument(bytes > 0, "spoolLimit must be positive, was " + bytes);
    Checks.requireUnset(spoolLimit, "spoolLimit");
    spoolLimit = bytes;
    return self();
  }

  /**
   * How long {@link Replicator#sync()} waits for the replica (default 1 minute).
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public B syncTimeout(Duration timeout) {
    Checks.requirePositive(timeout, "syncTimeout");
    Checks.requireUnset(syncTimeout, "syncTimeout");
    syncTimeout = timeout;
    return self();
  }

  /**
   * How long {@link Replicator#close()} waits for pending uploads (default 10 seconds).
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public B closeTimeout(Duration timeout) {
    Checks.requirePositive(timeout, "closeTimeout");
    Checks.requireUnset(closeTimeout, "closeTimeout");
    closeTimeout = timeout;
    return self();
  }

  /**
   * How often, at most, a replicator that is uploading checks that no other replicator took
   * over the replica (default 10 seconds; never while idle). A replicator whose replica was
   * taken over by one started later stops uploading and its {@link Replicator#sync()} fails.
   *
   * @param interval a positive duration
   * @return this builder
   */
  public B fencingCheckInterval(Duration interval) {
    Checks.requirePositive(interval, "fencingCheckInterval");
    Checks.requireUnset(fencingCheckInterval, "fencingCheckInterval");
    fencingCheckInterval = interval;
    return self();
  }

  /**
   * WAL size, in pages, above which the replicator runs a PASSIVE checkpoint after copying
   * (default 1000, like SQLite's auto-checkpoint), when the WAL grew by fewer pages than this
   * since the last pass; a faster writer's WAL is left to {@link #maxCheckpointPages(int)},
   * so that the application's own commits never do the copying on the replicator's behalf.
   *
   * @param pages a positive page count
   * @return this builder
   */
  public B minCheckpointPages(int pages) {
    Checks.requireArgument(pages > 0, "minCheckpointPages must be positive, was " + pages);
    Checks.requireUnset(minCheckpointPages, "minCheckpointPages");
    minCheckpointPages = pages;
    return self();
  }

  /**
   * WAL size, in pages, above which the replicator briefly takes the write lock to copy and
   * check point the WAL, so that the application's next commit restarts it from the start
   * (default 10000): at the next pass, and at most once per sync interval unless the WAL grew
   * past four times this size. A WAL file left larger than this by a burst of writes is
   * truncated once the writer pauses.
   *
   * @param pages a positive page count, larger than {@link #minCheckpointPages(int)}
   * @return this builder
   */
  public B maxCheckpointPages(int pages) {
    Checks.requireArgument(pages > 0, "maxCheckpointPages must be positive, was " + pages);
    Checks.requireUnset(maxCheckpointPages, "maxCheckpointPages");
    maxCheckpointPages = pages;
    return self();
  }

  /**
   * The clock for snapshot intervals and retention (default the system UTC clock). For tests.
   *
   * @param clock the clock
   * @return this builder
   */
  public B clock(Clock clock) {
    Checks.requireNonNull(clock, "clock");
    Checks.requireUnset(this.clock, "clock");
    this.clock = clock;
    return self();
  }

  /**
   * Receives replication events (uploads, snapshots, new generations, store errors, fencing),
   * for metrics and alerting. Callbacks run on Litewake's threads and must be short.
   *
   * @param listener the listener
   * @return this builder
   */
  public B listener(ReplicationListener listener) {
    Checks.requireNonNull(listener, "listener");
    Checks.requireUnset(this.listener, "listener");
    this.listener = listener;
    return self();
  }

  /**
   * Encrypts every object with age for these recipients (X25519 public keys, {@code age1...}, as
   * {@code age-keygen} prints them), as Litestream v0.3's {@code age.recipients}: each object is
   * compressed, then encrypted; keys and layout stay as they are. With {@link Compression#LZ4},
   * {@code litestream restore} restores the replica given a matching {@code age.identities}; Litewake
   * restores it with {@link Restore#ageIdentities(String...)}. Nothing of the database reaches the
   * store in clear; the spool beside the database holds the objects already encrypted. The
   * recipients are never logged. Changing them (or turning encryption on or off) starts a new
   * generation at the next start, and what was spooled under the old setting is not uploaded.
   *
   * @param recipients one or more recipients; a value may also hold several, one per line
   *     ({@code #} comments allowed), as a recipients file does
   * @return this builder
   * @throws IllegalArgumentException if a value is not an age X25519 recipient (the message gives
   *     its position, never its value)
   */
  public B ageRecipients(String... recipients) {
    Checks.requireUnset(this.recipients == null ? null : "(set)", "ageRecipients");
    this.recipients = AgeRecipients.parse("ageRecipients", recipients);
    return self();
  }

  /**
   * Keeps, beyond {@link #retention(Duration) retention}, the newest snapshot of each of the {@code
   * days} most recent UTC calendar days (00:00 to 24:00 UTC) that have a snapshot, as a restore
   * point: {@link Restore#at(java.time.Instant)} restores it (for an instant between two kept points,
   * the newest one at or before it), {@link Restore#list()} shows it. Retention deletes the WAL
   * between kept points, never a kept snapshot (nor the WAL of its own index up to it). With any
   * {@code keep...} option, each scheduled snapshot goes to a WAL index of its own, so that no
   * snapshot replaces another (see {@link #snapshotInterval(Duration)}).
   *
   * @param days a positive count
   * @return this builder
   */
  public B keepDailySnapshots(int days) {
    Checks.requireArgument(days > 0, "keepDailySnapshots must be positive, was " + days);
    Checks.requireUnset(keepDaily, "keepDailySnapshots");
    keepDaily = days;
    return self();
  }

  /**
   * Keeps, beyond retention, the newest snapshot of each of the {@code weeks} most recent ISO weeks
   * (Monday 00:00 UTC to the next Monday) that have a snapshot; see {@link #keepDailySnapshots(int)}.
   *
   * @param weeks a positive count
   * @return this builder
   */
  public B keepWeeklySnapshots(int weeks) {
    Checks.requireArgument(weeks > 0, "keepWeeklySnapshots must be positive, was " + weeks);
    Checks.requireUnset(keepWeekly, "keepWeeklySnapshots");
    keepWeekly = weeks;
    return self();
  }

  /**
   * Keeps, beyond retention, the newest snapshot of each of the {@code months} most recent calendar
   * months (from the 1st, 00:00 UTC) that have a snapshot; see {@link #keepDailySnapshots(int)}.
   *
   * @param months a positive count
   * @return this builder
   */
  public B keepMonthlySnapshots(int months) {
    Checks.requireArgument(months > 0, "keepMonthlySnapshots must be positive, was " + months);
    Checks.requireUnset(keepMonthly, "keepMonthlySnapshots");
    keepMonthly = months;
    return self();
  }

  /**
   * Never deletes or replaces an object (DESIGN: append-only): every upload is a conditional PUT of
   * a new key, the writer claim takes a form that is never overwritten (one object per generation
   * under {@code litewake/claims/}), each snapshot gets a WAL index of its own, and no retention pass
   * runs. For buckets with S3 Object Lock and for credentials without {@code s3:DeleteObject}: it
   * works with {@code s3:ListBucket}, {@code s3:GetObject} and {@code s3:PutObject} alone. Old
   * objects are then expired by the bucket's lifecycle rules (the README gives examples), so
   * {@link #retention(Duration)} and the {@code keep...Snapshots} options cannot be combined with it.
   *
   * @return this builder
   */
  public B appendOnly() {
    Checks.requireState(!appendOnly, "appendOnly() was already called");
    appendOnly = true;
    return self();
  }

  /**
   * Limits uploads to {@code bytesPerSecond}, all the replicas of a database together (with a
   * {@link ReplicatorGroup}, each database on its own), smoothly: the bytes of a large snapshot are
   * paced as they go out (on {@code s3:} replicas with the client Litewake builds, and on {@code
   * file:} ones), not sent in a burst and then paused; no second carries more than the limit plus
   * one chunk. Commits never wait for it: what is not uploaded yet waits in the spool, and {@code
   * sync()} waits longer. Default: no limit.
   *
   * @param bytesPerSecond a positive rate, such as {@code 8L << 20}
   * @return this builder
   */
  public B uploadRateLimit(long bytesPerSecond) {
    Checks.requireArgument(bytesPerSecond > 0, "uploadRateLimit must be a positive number of bytes per second, was "
        + bytesPerSecond);
    Checks.requireUnset(uploadRateLimit, "uploadRateLimit");
    uploadRateLimit = bytesPerSecond;
    return self();
  }

  private KeepPolicy keepPolicy() {
    return new KeepPolicy(keepDaily == null ? 0 : keepDaily, keepWeekly == null ? 0 : keepWeekly,
        keepMonthly == null ? 0 : keepMonthly);
  }

  /** Checks the options against each other; throws IllegalStateException naming both values. */
  void checkOptions() {
    Checks.requireState(maxPages() > minPages(), "maxCheckpointPages (" + maxPages()
        + ") must be larger than minCheckpointPages (" + minPages() + ")");
    Checks.requireState(!appendOnly || (retention == null && !keepPolicy().any()), "appendOnly() never deletes,"
        + " so retention (" + retention + ") and " + keepPolicy() + " cannot apply: expire old objects with a"
        + " bucket lifecycle rule instead, or drop appendOnly()");
  }

  private int minPages() {
    return minCheckpointPages == null ? 1000 : minCheckpointPages;
  }

  private int maxPages() {
    return maxCheckpointPages == null ? Math.max(10_000, minPages() + 1) : maxCheckpointPages;
  }

  Duration syncTimeoutOrDefault() {
    return or(syncTimeout, Duration.ofMinutes(1));
  }

  /** The listener set on these options, or null. */
  ReplicationListener listenerOrNull() {
    return listener;
  }

  /** Starts the engine for one database with these options; wraps failures with {@code context}. */
  Replicator start(Path db, List<Replica> replicas, boolean owns, Path spool, Workers workers, String context) {
    return start(db, replicas, owns, spool, workers, context, listener);
  }

  Replicator start(Path db, List<Replica> replicas, boolean owns, Path spool, Workers workers, String context,
      ReplicationListener events) {
    ReplicationEngine engine = new ReplicationEngine(new ReplicationEngine.Config(db, replicas, owns,
        or(syncInterval, Duration.ofSeconds(1)), or(snapshotInterval, Duration.ofHours(24)),
        snapshotWalRatio == null ? 1.0 : snapshotWalRatio, snapshotWalObjects == null ? 3600 : snapshotWalObjects,
        or(retention, Duration.ofHours(24)), keepPolicy(), appendOnly,
        uploadRateLimit == null ? 0 : uploadRateLimit, compression == null ? Compression.ZSTD : compression,
        recipients == null ? AgeRecipients.NONE : recipients, spool,
        spoolLimit == null ? DEFAULT_SPOOL_LIMIT : spoolLimit, minPages(), maxPages(), syncTimeoutOrDefault(),
        or(closeTimeout, Duration.ofSeconds(10)), or(fencingCheckInterval, Duration.ofSeconds(10)),
        clock == null ? Clock.systemUTC() : clock, events, workers));
    try {
      engine.start();
    } catch (IOException | SQLException | RuntimeException e) {
      try {
        engine.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new LitewakeException(context + e.getMessage(), e);
    }
    return new Replicator(engine, syncTimeoutOrDefault());
  }

  private static Duration or(Duration d, Duration dflt) {
    return d == null ? dflt : d;
  }
}
