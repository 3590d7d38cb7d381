package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.spi.Replica;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Fencing of two replicators writing one replica (a blue/green deploy, a cloned volume). The
 * writer that started last claims the replica by writing the object {@value #KEY} (outside
 * {@code generations/}, so Litestream ignores it) naming its generation and a random instance
 * id. A running replicator reads it back before uploading, at most once per check interval and
 * never while idle; when another instance has claimed the replica since, it is fenced: it stops
 * uploading and {@code sync()} fails. A replicator that would continue an older generation than
 * the one claimed refuses to start.
 *
 * <p>The claim is a plain PUT (last writer wins), which every S3-compatible store supports; the
 * periodic read-back makes the loser of a race stop within one check interval.
 *
 * <p>On an append-only replica no key is ever written twice, so the claim takes a form that is
 * never overwritten: one object per generation, {@value #CLAIMS}{@code <generation>.properties},
 * written once with a conditional PUT; the claim in force is the newest generation among them (by
 * key order: Litewake's generation ids sort by creation time), found with a LIST. Restores read
 * both forms ({@link #claimedGeneration}).
 *
 * <p>State: the claimed generation and the time of the last check belong to the owning
 * uploader's strand; {@link #fencedBy} is volatile for other threads.
 */
final class WriterClaim {
  static final String KEY = "litewake/writer.properties";
  /** Where an append-only replica's claims live, one per generation. */
  static final String CLAIMS = "litewake/claims/";
  private static final String SUFFIX = ".properties";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Replica replica;
  private final boolean appendOnly;
  private final Clock clock;
  private final Duration interval;
  private final String instance;
  private final String host;
  private String claimedGeneration;
  private Instant lastCheck = Instant.EPOCH;
  private volatile String fencedBy;

  WriterClaim(Replica replica, Clock clock, Duration interval) {
    this(replica, clock, interval, false);
  }

  WriterClaim(Replica replica, Clock clock, Duration interval, boolean appendOnly) {
    this.replica = replica;
    this.appendOnly = appendOnly;
    this.clock = clock;
    this.interval = interval;
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    this.instance = HexFormat.of().formatHex(id);
    String h;
    try {
      h = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      h = "unknown";
    }
    this.host = h;
  }

  /** Why this replicator is fenced, or null. */
  String fencedBy() {
    return fencedBy;
  }

  /** Fences this replicator for the given reason (a conflicting object found). */
  void fence(String reason) {
    fencedBy = reason;
  }

  /** The claim currently stored (on an append-only replica, the newest one), or null. */
  Properties read() throws IOException {
    if (!appendOnly) {
      return read(replica, KEY);
    }
    String newest = newestClaim(replica);
    return newest == null ? null : read(replica, claimKey(newest));
  }

  /** The key of the append-only claim of {@code generation}. */
  static String claimKey(String generation) {
    return CLAIMS + generation + SUFFIX;
  }

  /**
   * The generation the claims stored in {@code replica} name, if there is a claim: the newer of
   * the one {@value #KEY} names and the newest append-only claim.
   */
  static java.util.Optional<String> claimedGeneration(Replica replica) throws IOException {
    Properties p = read(replica, KEY);
    String g = p == null ? null : p.getProperty("generation");
    String plain = Layout.isGenerationId(g) ? g : null;
    String appended = newestClaim(replica);
    String claimed = plain == null ? appended : appended == null || newer(plain, appended) ? plain : appended;
    return java.util.Optional.ofNullable(claimed);
  }

  /** The newest generation among the append-only claims, or null (one LIST). */
  private static String newestClaim(Replica replica) throws IOException {
    String newest = null;
    for (io.litewake.spi.StoredObject o : replica.list(CLAIMS)) {
      String name = o.key().substring(CLAIMS.length());
      if (name.endsWith(SUFFIX)) {
        String g = name.substring(0, name.length() - SUFFIX.length());
        if (Layout.isGenerationId(g) && (newest == null || newer(g, newest))) {
          newest = g;
        }
      }
    }
    return newest;
  }

  private static Properties read(Replica replica, String key) throws IOException {
    try (InputStream in = replica.open(key)) {
      Properties p = new Properties();
      p.load(new StringReader(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
      return p;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * At start: refuses to continue {@code generation} when a newer generation has claimed the
   * replica since.
   */
  void checkStart(String generation, boolean continuing, Properties current) {
    if (current == null || !continuing) {
      return;
    }
    String other = current.getProperty("generation", "");
    if (!other.equals(generation) && newer(other, generation)) {
      throw new LitewakeException("another replicator took over " + replica.location() + " with generation "
          + other + " (host " + current.getProperty("host") + ", started " + current.getProperty("started")
          + "); continuing this database's older generation " + generation + " would write a second, conflicting"
          + " history. If that other instance is the live one, restore from the replica instead (Restore..."
          + "overwrite()); if this database is the one to keep, delete its spool directory to start a new"
          + " generation that takes over");
    }
  }

  /**
   * Claims the replica for {@code generation} if not done yet. On an append-only replica a claim
   * that exists already (this generation continued after a restart) is left as it is: the listing
   * is checked first, so that stores that ignore conditional writes never see it written twice.
   */
  void claim(String generation) throws IOException {
    if (generation.equals(claimedGeneration)) {
      return;
    }
    if (appendOnly && replica.list(CLAIMS).stream().anyMatch(o -> o.key().equals(claimKey(generation)))) {
      claimedGeneration = generation;
      lastCheck = clock.instant();
      return;
    }
    Properties p = new Properties();
    p.setProperty("generation", generation);
    p.setProperty("instance", instance);
    p.setProperty("host", host);
    p.setProperty("started", clock.instant().toString());
    Path tmp = Files.createTempFile("litewake-claim", ".properties");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(out, "the replicator writing this replica; written by Litewake, read back to fence older writers");
      }
      if (appendOnly) {
        replica.putIfAbsent(claimKey(generation), tmp); // null: this generation was claimed before
      } else {
        replica.put(KEY, tmp);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    claimedGeneration = generation;
    lastCheck = clock.instant();
  }

  /**
   * Before an upload: reads the claim back when the check interval has passed; returns false
   * (and remembers why) when another instance has claimed the replica since.
   */
  boolean stillOwner(String generation) throws IOException {
    if (fencedBy != null) {
      return false;
    }
    if (claimedGeneration == null || clock.instant().isBefore(lastCheck.plus(interval))) {
      return true;
    }
    lastCheck = clock.instant();
    if (appendOnly) {
      return stillNewest(generation);
    }
    Properties current = read();
    if (current == null) {
      claimedGeneration = null; // removed by someone: claim again
      claim(generation);
      return true;
    }
    if (instance.equals(current.getProperty("instance"))) {
      return true;
    }
    String other = current.getProperty("generation", "");
    if (!other.equals(generation) && newer(generation, other)) {
      claimedGeneration = null; // an older writer overwrote the claim: ours is the newer history
      claim(generation);
      return true;
    }
    fencedBy = "another replicator took over the replica with generation " + other + " (host " + current.getProperty("host") + ", started "
        + current.getProperty("started") + ")";
    return false;
  }

  /**
   * Before deleting anything (retention): reads the claim now, whatever the check interval. True
   * only if nobody claims the replica or this instance does; a newer claim fences this instance.
   * An instance that has not claimed yet (restarted, nothing uploaded since) deletes nothing.
   */
  boolean mayDelete() throws IOException {
    if (fencedBy != null) {
      return false;
    }
    Properties current = read();
    if (current == null) {
      return true;
    }
    if (instance.equals(current.getProperty("instance"))) {
      return true;
    }
    String other = current.getProperty("generation", "");
    if (claimedGeneration != null && !other.equals(claimedGeneration) && newer(other, claimedGeneration)) {
      fencedBy = "another replicator took over the replica with generation " + other + " (host "
          + current.getProperty("host") + ", started " + current.getProperty("started") + ")";
    }
    return false;
  }

  /** {@link #stillOwner} on an append-only replica: is our generation the newest claimed one? */
  private boolean stillNewest(String generation) throws IOException {
    String newest = newestClaim(replica);
    if (generation.equals(newest)) {
      return true;
    }
    if (newest == null || newer(generation, newest)) {
      claimedGeneration = null; // ours is missing (expired by a lifecycle rule, say): claim it again
      claim(generation);
      return true;
    }
    fencedBy = "another replicator took over the replica with generation " + newest + " (claim " + claimKey(newest)
        + ")";
    return false;
  }

  /** True if generation id {@code a} was created after {@code b} (Litewake ids sort by time). */
  static boolean newer(String a, String b) {
    return a.compareTo(b) > 0;
  }
}
