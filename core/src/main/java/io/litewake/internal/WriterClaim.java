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
 */
final class WriterClaim {
  static final String KEY = "litewake/writer.properties";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Replica replica;
  private final Clock clock;
  private final Duration interval;
  private final String instance;
  private final String host;
  private String claimedGeneration;
  private Instant lastCheck = Instant.EPOCH;
  private volatile String fencedBy;

  WriterClaim(Replica replica, Clock clock, Duration interval) {
    this.replica = replica;
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

  /** The claim currently stored, or null. */
  Properties read() throws IOException {
    return read(replica);
  }

  /** The generation the claim stored in {@code replica} names, if there is a claim. */
  static java.util.Optional<String> claimedGeneration(Replica replica) throws IOException {
    Properties p = read(replica);
    String g = p == null ? null : p.getProperty("generation");
    return Layout.isGenerationId(g) ? java.util.Optional.of(g) : java.util.Optional.empty();
  }

  private static Properties read(Replica replica) throws IOException {
    try (InputStream in = replica.open(KEY)) {
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

  /** Claims the replica for {@code generation} if not done yet. */
  void claim(String generation) throws IOException {
    if (generation.equals(claimedGeneration)) {
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
      replica.put(KEY, tmp);
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

  /** True if generation id {@code a} was created after {@code b} (Litewake ids sort by time). */
  static boolean newer(String a, String b) {
    return a.compareTo(b) > 0;
  }
}
