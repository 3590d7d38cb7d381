package io.litewake.internal;

import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;

/**
 * Decides at start whether the saved state continues the replicated history, and records a
 * clean close that lets the next start continue it. Continuity is proven by the WAL (same salts,
 * the last shipped frame's checksums still in place) or, after a clean close that removed the
 * WAL, by the database file's fingerprint. Used by the pass strand only ({@link Shipping}), at
 * start and at close.
 */
final class Continuity {
  private final Path db;
  private final Path walPath;
  private final String name;
  private final Logger log;
  private final Spool spool;
  private final List<Replica> replicas;
  /** The replicas' locations as the saved state records them. */
  private final String location;
  private final HistoryState state;

  Continuity(Path db, String name, Logger log, Spool spool, List<Replica> replicas, HistoryState state) {
    this.db = db;
    this.walPath = Path.of(db + "-wal");
    this.name = name;
    this.log = log;
    this.spool = spool;
    this.replicas = replicas;
    this.location = locations(replicas);
    this.state = state;
  }

  /**
   * Removes spooled objects that the saved state does not account for (a crash between spooling
   * and saving the state): the position they cover is shipped again from the WAL, or a new
   * generation starts; uploading them as well would overlap what is shipped again.
   */
  List<Spool.Entry> dropUnrecorded(List<Spool.Entry> pending) throws IOException {
    Properties st = spool.loadState();
    long recorded = st == null ? 0 : Long.parseLong(st.getProperty("spoolSeq", Long.toString(Long.MAX_VALUE)));
    if (recorded != Long.MAX_VALUE) {
      spool.advanceSeq(recorded);
    }
    List<Spool.Entry> kept = new ArrayList<>();
    for (Spool.Entry e : pending) {
      if (e.seq() > recorded) {
        log.debug("litewake [{}]: dropping unrecorded spool entry {}", name, e.key());
        spool.remove(e);
      } else {
        kept.add(e);
      }
    }
    return kept;
  }

  /** Loads the saved state into the history if it continues; returns why not, or null to continue. */
  String resume(List<Spool.Entry> pending) throws IOException {
    Properties st = spool.loadState();
    if (st == null) {
      return "no previous replication state";
    }
    String encryption = st.getProperty("encryption", AgeRecipients.NONE.fingerprint());
    if (!encryption.equals(state.encryption)) {
      // what the spool holds was written under the old setting: uploading it could send plaintext
      // to a replica meant to be encrypted, or objects the new identities cannot read
      for (Spool.Entry e : pending) {
        spool.remove(e);
      }
      if (!pending.isEmpty()) {
        log.warn("litewake [{}]: age encryption settings changed since the last run; {} objects spooled under the old"
            + " settings are not uploaded (a new generation starts from a snapshot)", name, pending.size());
      }
      return "age encryption settings changed (" + encryption + " -> " + state.encryption + ")";
    }
    if (!location.equals(st.getProperty("location"))) {
      // a replica added to a running history would lack its snapshot: start a new one
      return "replica location changed from " + st.getProperty("location");
    }
    String gen = st.getProperty("generation");
    long idx = Long.parseLong(st.getProperty("index"));
    long off = Long.parseLong(st.getProperty("offset"));
    String clean = st.getProperty("cleanSha256");
    if (clean != null) {
      // the last close checkpointed and removed the WAL after shipping everything: the database
      // file then held exactly the replicated state, fingerprinted
      try (FileChannel wal = ReadHold.openWal(walPath)) {
        if ((wal == null || wal.size() == 0) && clean.equals(fingerprint())) {
          state.generation = gen;
          state.index = Long.parseLong(st.getProperty("cleanNextIndex", Long.toString(idx + 1)));
          state.offset = 0;
          state.loadSnapshotMarkers(st);
          log.debug("litewake [{}]: database unchanged since the clean close; continuing generation {} at index {}",
              name, gen, state.index);
          return checkGenerationStillThere(pending);
        }
      }
      return "database changed while replication was stopped";
    }
    if (off == 0) {
      return "no WAL position to verify continuity against";
    }
    byte[] hb = HexFormat.of().parseHex(st.getProperty("header"));
    Wal.Header saved = Wal.parseHeader(hb);
    int c1 = Integer.parseUnsignedInt(st.getProperty("ck1"));
    int c2 = Integer.parseUnsignedInt(st.getProperty("ck2"));
    String broken = walStillContinues(saved, off, c1, c2);
    if (broken != null && Boolean.parseBoolean(st.getProperty("walComplete")) && restartedOnceSince(saved)) {
      // the saved WAL life was complete (shipped to its end, backfilled, held on read mark 0) and
      // the application restarted it exactly once since: the new life is the next index
      state.generation = gen;
      state.index = idx + 1;
      state.offset = 0;
      state.loadSnapshotMarkers(st);
      log.debug("litewake [{}]: WAL restarted once after a complete copy; continuing generation {} at index {}",
          name, gen, state.index);
      return checkGenerationStillThere(pending);
    }
    if (broken != null) {
      return broken;
    }
    state.generation = gen;
    state.index = idx;
    state.offset = off;
    state.headerBytes = hb;
    state.header = saved;
    state.ck1 = c1;
    state.ck2 = c2;
    state.loadSnapshotMarkers(st);
    log.debug("litewake [{}]: continuing generation {} at index {} offset {}", name, gen, idx, off);
    return checkGenerationStillThere(pending);
  }

  private String walStillContinues(Wal.Header saved, long off, int c1, int c2) throws IOException {
    try (FileChannel wal = ReadHold.openWal(walPath)) {
      if (wal == null || wal.size() < Wal.HEADER_SIZE) {
        return "WAL was checkpointed and removed while replication was stopped";
      }
      byte[] cur = new byte[Wal.HEADER_SIZE];
      DbFiles.readFully(wal, ByteBuffer.wrap(cur), 0);
      Wal.Header h = Wal.parseHeader(cur);
      if (h == null || saved == null || !h.sameSalts(saved)) {
        return "WAL was reset while replication was stopped";
      }
      if (wal.size() < off) {
        return "WAL was truncated while replication was stopped";
      }
      if (off > Wal.HEADER_SIZE) {
        byte[] fh = new byte[Wal.FRAME_HEADER_SIZE];
        DbFiles.readFully(wal, ByteBuffer.wrap(fh), off - h.frameSize());
        if (Wal.u32(fh, 16) != c1 || Wal.u32(fh, 20) != c2 || Wal.u32(fh, 8) != h.salt1()) {
          return "WAL was overwritten while replication was stopped";
        }
      }
      return null;
    }
  }

  /** True if the WAL now holds a life that began with the one restart after {@code saved}. */
  private boolean restartedOnceSince(Wal.Header saved) throws IOException {
    if (saved == null) {
      return false;
    }
    try (FileChannel wal = ReadHold.openWal(walPath)) {
      if (wal == null || wal.size() < Wal.HEADER_SIZE) {
        return false;
      }
      byte[] cur = new byte[Wal.HEADER_SIZE];
      DbFiles.readFully(wal, ByteBuffer.wrap(cur), 0);
      Wal.Header h = Wal.parseHeader(cur);
      return h != null && !h.sameSalts(saved) && h.checkpointSeq() == saved.checkpointSeq() + 1;
    }
  }

  /** Null if the replica (or the spool) still has a snapshot of the generation, else why not. */
  private String checkGenerationStillThere(List<Spool.Entry> pending) {
    String gen = state.generation;
    boolean snapshotPending = pending.stream()
        .anyMatch(e -> e.key().startsWith(Layout.generationPrefix(gen) + "snapshots/"));
    if (snapshotPending) {
      return null;
    }
    for (Replica replica : replicas) {
      List<StoredObject> objs;
      try {
        objs = replica.list(Layout.generationPrefix(gen));
      } catch (IOException e) {
        // a restart during a store outage: the saved state and the WAL proved continuity, the
        // spool absorbs the outage
        log.warn("litewake [{}]: cannot list {} ({}); continuing from the saved state", name,
            replica.location(), e.toString());
        continue;
      }
      if (objs.stream().noneMatch(o -> o.key().contains("/snapshots/"))) {
        return "replica " + replica.location() + " no longer holds a snapshot of generation " + gen;
      }
    }
    return null;
  }

  /** SHA-256 of the database file, read through the never-closed channel. */
  private String fingerprint() throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
    DbFiles.Reader ch = DbFiles.reader(db);
    byte[] buf = new byte[1 << 20];
    long pos = 0;
    while (true) {
      int n = ch.read(pos, buf, 0, buf.length);
      if (n <= 0) {
        break;
      }
      md.update(buf, 0, n);
      pos += n;
    }
    return pos + ":" + HexFormat.of().formatHex(md.digest());
  }

  /**
   * If closing our connections removed the WAL, they were the last ones, and the connection that
   * held the write lock from the final copy on closed last, still inside its transaction: its
   * close checkpointed exactly the copied frames into the database file. Fingerprint the file so
   * that the next start can continue the generation; any later change to the file makes the
   * fingerprint differ. The next WAL gets the next index, or this one if nothing was shipped in it.
   */
  /** The replicas' locations as one string, in the configured order. */
  static String locations(List<Replica> replicas) {
    return String.join(" ", replicas.stream().map(Replica::location).toList());
  }

  /** The locations as the saved state records them. */
  String location() {
    return location;
  }

  void recordCleanClose(Object dbIdentity) {
    try {
      if (Files.exists(walPath) || !Objects.equals(dbIdentity, DbFiles.identity(db))) {
        return; // not the last connection: the WAL lives on and proves continuity by itself
      }
      String fp = fingerprint();
      if (Files.exists(walPath)) {
        return; // written to meanwhile
      }
      Properties p = state.toProperties(location, spool.lastSeq());
      p.setProperty("cleanSha256", fp);
      p.setProperty("cleanNextIndex", Long.toString(state.offset > 0 ? state.index + 1 : state.index));
      spool.saveState(p);
      log.debug("litewake [{}]: clean close recorded", name);
    } catch (IOException e) {
      log.debug("litewake [{}]: cannot record the clean close: {}", name, e.toString());
    }
  }
}
