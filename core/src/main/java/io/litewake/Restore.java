package io.litewake;

import io.litewake.internal.AgeIdentities;
import io.litewake.internal.Checks;
import io.litewake.internal.Layout;
import io.litewake.internal.Redact;
import io.litewake.internal.Replicas;
import io.litewake.internal.RestoreEngine;
import io.litewake.internal.RestorePoint;
import io.litewake.spi.Replica;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Restores a database from a replica: the latest state, or the state at a point in time, or at
 * a chosen generation and WAL index.
 *
 * <pre>{@code
 * Restore.from(URI.create("s3://bucket/apps/orders"))
 *     .to(Path.of("data/orders.db"))
 *     .ifDatabaseMissing()   // keep an existing database
 *     .ifReplicaExists()     // an empty replica is not an error
 *     .run();
 * }</pre>
 *
 * <p>The output appears atomically: the database is assembled and checked ({@code PRAGMA
 * integrity_check}) in a temporary file beside the target, then renamed into place. A failed
 * restore leaves nothing at the output path. Each option may be set once; options are checked
 * when set, combinations in {@link #run()}.
 */
public final class Restore {
  private final URI uri;
  private final Replica replica;
  private Path target;
  private Instant at;
  private String generation;
  private Long index;
  private boolean ifDatabaseMissing;
  private boolean ifReplicaExists;
  private boolean overwrite;
  private Integer parallelism;
  private IntegrityCheck integrityCheck;
  private RestoreListener listener;
  private AgeIdentities identities;
  private AgeIdentities identityFile;
  private Long rateLimit;

  private Restore(URI uri, Replica replica) {
    this.uri = uri;
    this.replica = replica;
  }

  /**
   * Starts a restore from the replica at {@code uri} ({@code file:///dir}, or {@code
   * s3://bucket/prefix} with {@code io.litewake:litewake-s3}).
   *
   * @param uri the replica location
   * @return a restore to configure
   */
  public static Restore from(URI uri) {
    Checks.requireNonNull(uri, "uri");
    if (uri.getScheme() == null) { // messages built only when needed: the boot path stays cheap
      throw new IllegalArgumentException("replica URI '" + Redact.uri(uri)
          + "' has no scheme: use s3://bucket/prefix or file:///dir");
    }
    return new Restore(uri, null);
  }

  /**
   * Starts a restore from a replica the caller created (and closes).
   *
   * @param replica the replica
   * @return a restore to configure
   */
  public static Restore from(Replica replica) {
    Checks.requireNonNull(replica, "replica");
    return new Restore(null, replica);
  }

  /**
   * The database file to write.
   *
   * @param database the output path; its directory must exist
   * @return this
   */
  public Restore to(Path database) {
    Checks.requireNonNull(database, "database");
    Checks.requireUnset(target, "target");
    target = database;
    return this;
  }

  /**
   * Restores the newest state whose objects are not newer than {@code instant} (object storage
   * timestamps, as Litestream uses them).
   *
   * @param instant the point in time
   * @return this
   */
  public Restore at(Instant instant) {
    Checks.requireNonNull(instant, "instant");
    Checks.requireUnset(at, "at");
    at = instant;
    return this;
  }

  /**
   * Restores from this generation instead of the latest one.
   *
   * @param id 16 lowercase hex digits, as {@link #list()} shows
   * @return this
   */
  public Restore generation(String id) {
    Checks.requireNonNull(id, "generation");
    Checks.requireArgument(Layout.isGenerationId(id), "generation must be 16 lowercase hex digits, was '" + id + "'");
    Checks.requireUnset(generation, "generation");
    generation = id;
    return this;
  }

  /**
   * Restores up to the end of this WAL index (inclusive) of the chosen generation.
   *
   * @param walIndex a non-negative WAL index
   * @return this
   */
  public Restore index(long walIndex) {
    Checks.requireArgument(walIndex >= 0, "index must not be negative, was " + walIndex);
    Checks.requireUnset(index, "index");
    index = walIndex;
    return this;
  }

  /**
   * Does nothing (successfully) when the output file already exists: {@link #run()} then returns
   * at once, without opening the replica (no store client is built, no request is sent).
   *
   * @return this
   */
  public Restore ifDatabaseMissing() {
    Checks.requireState(!ifDatabaseMissing, "ifDatabaseMissing() was already called");
    ifDatabaseMissing = true;
    return this;
  }

  /**
   * Does nothing (successfully) when the replica holds no generation, as on a first start.
   *
   * @return this
   */
  public Restore ifReplicaExists() {
    Checks.requireState(!ifReplicaExists, "ifReplicaExists() was already called");
    ifReplicaExists = true;
    return this;
  }

  /**
   * Replaces an existing output file (and removes its {@code -wal} and {@code -shm}). Never use it
   * on a database that is open.
   *
   * @return this
   */
  public Restore overwrite() {
    Checks.requireState(!overwrite, "overwrite() was already called");
    overwrite = true;
    return this;
  }

  /**
   * How many objects are downloaded at once (default 16).
   *
   * @param downloads between 1 and 256
   * @return this
   */
  public Restore parallelism(int downloads) {
    Checks.requireArgument(downloads >= 1 && downloads <= 256, "parallelism must be between 1 and 256, was " + downloads);
    Checks.requireUnset(parallelism, "parallelism");
    parallelism = downloads;
    return this;
  }

  /**
   * Whether to run {@code PRAGMA integrity_check} on the result before moving it into place
   * (default true). Every object is checked byte by byte either way.
   *
   * @param enabled false to skip the check on very large databases
   * @return this
   */
  public Restore integrityCheck(boolean enabled) {
    return integrityCheck(enabled ? IntegrityCheck.FULL : IntegrityCheck.NONE);
  }

  /**
   * Which SQLite check runs on the result before it is moved into place (default {@link
   * IntegrityCheck#FULL}). Every object is checked byte by byte either way.
   *
   * @param check the check
   * @return this
   */
  public Restore integrityCheck(IntegrityCheck check) {
    if (check == null) {
      throw new NullPointerException("integrityCheck must not be null: pass IntegrityCheck.NONE to skip the SQLite check");
    }
    Checks.requireUnset(integrityCheck, "integrityCheck");
    integrityCheck = check;
    return this;
  }

  /**
   * Tells {@code listener} how the restore advances: the plan, then the bytes and objects read.
   *
   * @param listener the listener; its methods run on the restore's threads (see {@link
   *     RestoreListener})
   * @return this
   */
  public Restore listener(RestoreListener listener) {
    Checks.requireNonNull(listener, "listener");
    Checks.requireUnset(this.listener, "listener");
    this.listener = listener;
    return this;
  }

  /**
   * Decrypts age-encrypted objects with these identities (X25519 secret keys, {@code
   * AGE-SECRET-KEY-1...}), as Litestream v0.3's {@code age.identities}: needed for a replica
   * written with {@code ageRecipients} (by Litewake or Litestream). Objects that are not encrypted
   * are read as they are. An object that is encrypted for none of these identities fails the
   * restore with a {@link ReplicaEncryptionException} naming it. The identities are checked now
   * and never logged or shown in messages (errors give their position).
   *
   * @param identities one or more identities; a value may also be the content of an identity file
   *     (one per line, {@code #} comments allowed)
   * @return this
   * @throws IllegalArgumentException if a value is not an age X25519 identity
   */
  public Restore ageIdentities(String... identities) {
    Checks.requireUnset(this.identities, "ageIdentities");
    this.identities = AgeIdentities.parse("ageIdentities", identities);
    return this;
  }

  /**
   * Decrypts age-encrypted objects with the identities in a file, as {@code age-keygen -o FILE}
   * writes it ({@code #} comments and blank lines are skipped); see {@link #ageIdentities}. The file
   * is read now; its content is never logged or shown in messages (errors name the line).
   *
   * @param file the identity file
   * @return this
   * @throws IllegalArgumentException if the file cannot be read or holds no valid identity
   */
  public Restore ageIdentityFile(Path file) {
    Checks.requireUnset(identityFile, "ageIdentityFile");
    identityFile = AgeIdentities.file(file);
    return this;
  }

  /**
   * Limits downloads to {@code bytesPerSecond}, all parallel downloads together, smoothly (paced as
   * the bytes arrive, not in bursts): to keep a restore on boot from saturating a link others
   * need. Default: no limit.
   *
   * @param bytesPerSecond a positive rate, such as {@code 64L << 20}
   * @return this
   */
  public Restore rateLimit(long bytesPerSecond) {
    Checks.requireArgument(bytesPerSecond > 0, "rateLimit must be a positive number of bytes per second, was "
        + bytesPerSecond);
    Checks.requireUnset(rateLimit, "rateLimit");
    rateLimit = bytesPerSecond;
    return this;
  }

  /**
   * Plans the restore as {@link #run()} would, reading only the listing (no object is downloaded
   * and nothing is written): a dry run. The output path is optional here; when it is set, it is
   * checked as {@link #run()} checks it.
   *
   * @return what {@link #run()} would read now, or empty when it would skip the restore (the
   *     output exists and {@link #ifDatabaseMissing()} was called, or the replica is empty and
   *     {@link #ifReplicaExists()} was called)
   * @throws ReplicaDamagedException if the listing shows a missing object the restore needs
   * @throws LitewakeException if the restore is otherwise impossible
   * @throws IllegalStateException if options contradict
   */
  public Optional<RestorePlan> plan() {
    checkOptions();
    String what = target == null ? "cannot plan a restore from " : "cannot restore " + target + " from ";
    Replica r = open(what);
    try {
      return engine(r, System.nanoTime()).plan();
    } catch (IOException e) {
      throw new LitewakeException(what + r.location() + ": " + e.getMessage(), e);
    } finally {
      if (replica == null) {
        r.close();
      }
    }
  }

  /**
   * Lists what the replica holds without restoring anything.
   *
   * @return the generations, snapshots, WAL segments and time bounds
   * @throws LitewakeException if the replica cannot be listed
   */
  public ReplicaContents list() {
    Replica r = open("cannot list ");
    try {
      return RestoreEngine.list(r);
    } catch (IOException e) {
      throw new LitewakeException("cannot list " + r.location() + ": " + e.getMessage(), e);
    } finally {
      if (replica == null) {
        r.close();
      }
    }
  }

  /**
   * Runs the restore.
   *
   * @return what was restored, or why nothing was
   * @throws ReplicaDamagedException if a replica object the restore needs is damaged or missing
   *     (the exception names it); nothing is then left at the output path
   * @throws ReplicaEncryptionException if an object is age-encrypted and no identity given matches
   *     (the exception names it); nothing is then left at the output path
   * @throws LitewakeException if the restore is otherwise impossible; nothing is then left at the
   *     output path
   * @throws IllegalStateException if no output path was set, or options contradict
   */
  public RestoreResult run() {
    Checks.requireState(target != null, "no output path: call to(Path) before run()");
    checkOptions();
    long started = System.nanoTime(); // the replica's opening (an S3 client, say) counts too
    if (ifDatabaseMissing && Files.exists(target)) {
      // the common boot: nothing to do, so nothing is built (no store client) and nothing is read
      return io.litewake.internal.BootSkip.existing(target, started);
    }
    Replica r = open("cannot restore " + target + " from ");
    try {
      Replica from = rateLimit == null ? r : r.throttled(Throttle.perSecond(rateLimit));
      return engine(from, started).run();
    } catch (IOException e) {
      throw new LitewakeException("cannot restore " + target + " from " + r.location() + ": " + e.getMessage(), e);
    } finally {
      if (replica == null) {
        r.close();
      }
    }
  }

  private void checkOptions() {
    Checks.requireState(!(overwrite && ifDatabaseMissing), "overwrite() and ifDatabaseMissing() contradict each other; choose one");
    Checks.requireState(index == null || generation != null, "index(" + index + ") needs generation(id): WAL indexes are per generation");
    Checks.requireState(at == null || index == null, "at(" + at + ") and index(" + index + ") both pick the end point; choose one");
  }

  private RestoreEngine engine(Replica r, long started) {
    return new RestoreEngine(new RestoreEngine.Request(r, target, point(), ifDatabaseMissing, ifReplicaExists,
        overwrite, parallelism == null ? 16 : parallelism, integrityCheck == null ? IntegrityCheck.FULL : integrityCheck, identities(),
        started, listener));
  }

  private AgeIdentities identities() {
    AgeIdentities all = identities == null ? AgeIdentities.NONE : identities;
    return identityFile == null ? all : all.plus(identityFile);
  }

  private RestorePoint point() {
    RestorePoint p = RestorePoint.latest();
    if (generation != null) {
      p = p.inGeneration(generation);
    }
    if (at != null) {
      p = p.at(at);
    }
    return index == null ? p : p.upToIndex(index);
  }

  private Replica open(String what) {
    if (replica != null) {
      return replica;
    }
    try {
      return Replicas.open(uri);
    } catch (LitewakeException e) {
      throw new LitewakeException(what + Redact.uri(uri) + ": " + e.getMessage(), e);
    }
  }
}
