package io.litewake.internal;

import io.litewake.Compression;
import io.litewake.LitewakeException;
import io.litewake.ReplicaContents;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The running replication of one database: a shipper that copies committed WAL frames into the
 * spool every sync interval, and an uploader that moves spooled objects to the replica in order.
 *
 * <p>Continuity: the engine always holds a read transaction on one of its two connections, and
 * moves it by beginning a new one on the other connection before ending the old one. A WAL can
 * only be restarted or truncated after every frame was checkpointed and no reader uses a read
 * mark above 0; a reader that began while uncopied frames existed holds such a mark, and a
 * reader on mark 0 blocks every backfill. After each new read transaction begins, the WAL is
 * copied to its last commit. Hence while the hold is unbroken, a WAL restart or truncation is
 * only ever seen after the previous WAL was copied in full, and the new WAL continues the
 * generation with the next index. When the hold was broken (start-up, database replaced), a
 * changed WAL starts a new generation.
 *
 * <p>Where the hold sits decides what the application's commits pay. It is not moved at every
 * pass: each move lets the application's next auto-checkpoint copy the frames below it into the
 * database inside a commit. It moves when the WAL is restarted (under the write lock, past
 * {@code maxCheckpointPages}), for a routine PASSIVE checkpoint under a slow writer, and right
 * after the application restarted the WAL: that restart leaves it on read mark 0, where each
 * commit past SQLite's auto-checkpoint threshold would sort the whole WAL for a checkpoint that
 * cannot run (measured: half the write rate).
 */
public final class ReplicationEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.Replicator");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int READ_BUSY_TIMEOUT_MS = 100;
  private static final int WRITE_LOCK_WAIT_MS = 100;

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
      Clock clock) {}

  private final Config cfg;
  private final Replica replica;
  private final String name;
  private final String walPath;
  private Spool spool;
  private final Object uploadMonitor = new Object();
  /** The shipped position and its WAL header after the last pass, for the ship thread's polls. */
  private volatile long shippedOffset;
  private volatile byte[] shippedHeader;

  // replication position, guarded by this
  private String generation;
  private long index;
  private long offset;
  private Wal.Header header;
  private byte[] headerBytes;
  private int ck1;
  private int ck2;
  private Instant lastSnapshotAt = Instant.EPOCH;
  private long snapIndex = -1;
  private long snapOffset = -1;
  private long lastPassiveFrames = -1;
  /** The WAL index and shipped frame count at the last background pass. */
  private long passIndex = -1;
  private long passFrames;
  private int postponed;
  private long walBytesSinceSnapshot;
  private boolean generationStart;
  private Object walIdentity;

  private final Connection[] conns = new Connection[2];
  /** A third connection, used only to keep the application from committing for a moment. */
  private Connection locker;
  /** Ends {@link #locker}'s write transaction while the ship thread checkpoints; made on use. */
  private java.util.concurrent.ScheduledExecutorService releaser;
  private int pin = -1;
  private boolean continuous;
  private boolean shippedSinceSwap;
  private boolean pendingSnapshot;
  private Instant restartNotBefore = Instant.EPOCH;
  /** System.nanoTime() of the last WAL restart by {@link #restartWal}, or 0 before the first. */
  private long lastRestartNanos;
  /** WAL index and frame count that {@link #restartWal} left ready for a restart, else -1. */
  private long restartedIndex = -1;
  private long restartedFrames = -1;
  private int restartFailures;
  private Object dbIdentity;

  private volatile boolean closed;
  /** Set by close() once it stopped waiting for uploads. */
  private volatile boolean stopUploader;
  private volatile long uploadedThrough;
  /** Spool entries up to this sequence number are accounted for by the saved state. */
  private volatile long durableSeq;
  private boolean stateDirty;
  /**
   * While true, spooled segments are neither fsynced nor recorded in the state: set only for
   * the copy made under the application's write lock, whose fsyncs would stop its writers.
   */
  private boolean deferDurability;
  /** Entries spooled while {@link #deferDurability}, fsynced by the next {@link #saveState}. */
  private final List<Spool.Entry> notDurable = new ArrayList<>();
  private volatile Throwable lastUploadError;
  private volatile Instant retentionDueAt = Instant.EPOCH;
  private Thread shipper;
  private AutoCloseable spoolLock;
  private WriterClaim claim;
  private Thread uploader;

  /** Creates an engine; nothing happens until {@link #start()}. */
  public ReplicationEngine(Config cfg) {
    this.cfg = cfg;
    this.replica = cfg.replica();
    this.name = cfg.db().getFileName().toString();
    this.walPath = cfg.db() + "-wal";
  }

  /** The database file name, as every log line shows it. */
  public String name() {
    return name;
  }

  /** Where the replica lives, secrets masked. */
  public String location() {
    return replica.location();
  }

  /** Opens connections, verifies or starts a generation, spools what is new, starts threads. */
  public synchronized void start() throws IOException, SQLException {
    dbIdentity = DbFiles.identity(cfg.db());
    // our connections are opened before anything else and stay open: a last connection closing
    // would checkpoint and delete the WAL, destroying the evidence of continuity
    openConnections();
    checkWalMode();
    spool = new Spool(cfg.spoolDir());
    spoolLock = spool.lock();
    List<Spool.Entry> pending = dropUnrecorded(spool.pending());
    uploadedThrough = pending.isEmpty() ? spool.lastSeq() : pending.get(0).seq() - 1;
    durableSeq = spool.lastSeq();
    swapPin();
    if (pin < 0) {
      throw new IOException("cannot begin a read transaction on " + cfg.db());
    }
    // until one complete ship under this hold, a WAL restart is not proven continuous: the WAL
    // may still hold frames that were checkpointed but never shipped
    continuous = false;
    String reason = resume(pending);
    claim = new WriterClaim(replica, cfg.clock(), cfg.fenceCheckInterval());
    try {
      claim.checkStart(generation, reason == null, claim.read());
    } catch (IOException e) {
      if (pending.isEmpty() && reason != null) {
        throw e; // a first start must reach the store
      }
      LOG.warn("litewake [{}]: cannot read the writer claim of {} ({}); checking later", name, replica.location(), e.toString());
    }
    if (reason != null) {
      newGeneration(reason);
    }
    shipAndSnapshot();
    LOG.info("litewake [{}]: replicating to {} (generation {}, index {}, offset {}, sync every {})",
        name, replica.location(), generation, index, offset, cfg.syncInterval());
    shipper = new Thread(this::shipLoop, "litewake-ship-" + name);
    shipper.setDaemon(true);
    uploader = new Thread(this::uploadLoop, "litewake-upload-" + name);
    uploader.setDaemon(true);
    uploader.start();
    shipper.start();
  }

  private void openConnections() throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.resetOpenMode(SQLiteOpenMode.CREATE);
    c.setBusyTimeout(READ_BUSY_TIMEOUT_MS);
    for (int i = 0; i < 2; i++) {
      conns[i] = c.createConnection("jdbc:sqlite:" + cfg.db());
    }
    SQLiteConfig l = new SQLiteConfig();
    l.resetOpenMode(SQLiteOpenMode.CREATE);
    l.setBusyTimeout(ADVANCE_LOCK_WAIT_MS);
    locker = l.createConnection("jdbc:sqlite:" + cfg.db());
  }

  private void checkWalMode() throws SQLException {
    String mode;
    try (Statement s = conns[0].createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      mode = rs.next() ? rs.getString(1) : "?";
    } catch (SQLException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("NOTADB") || msg.contains("not a database")) {
        throw new LitewakeException("the file is not a SQLite database; check the path", e);
      }
      throw e;
    }
    if (!"wal".equalsIgnoreCase(mode)) {
      throw new LitewakeException("the database is in journal_mode=" + mode.toUpperCase(java.util.Locale.ROOT)
          + ", replication needs WAL: run PRAGMA journal_mode=WAL once on it (the setting persists)");
    }
  }

  // ---------------------------------------------------------------- resume / new generation

  /** Decides whether the saved state continues; returns why not, or null to continue. */
  private String resume(List<Spool.Entry> pending) throws IOException {
    Properties st = spool.loadState();
    if (st == null) {
      return "no previous replication state";
    }
    if (!replica.location().equals(st.getProperty("location"))) {
      return "replica location changed from " + st.getProperty("location");
    }
    String gen = st.getProperty("generation");
    long idx = Long.parseLong(st.getProperty("index"));
    long off = Long.parseLong(st.getProperty("offset"));
    String clean = st.getProperty("cleanSha256");
    if (clean != null) {
      // the last close checkpointed and removed the WAL after shipping everything: the database
      // file then held exactly the replicated state, fingerprinted
      try (FileChannel wal = openWal()) {
        if ((wal == null || wal.size() == 0) && clean.equals(fingerprint())) {
          generation = gen;
          index = Long.parseLong(st.getProperty("cleanNextIndex", Long.toString(idx + 1)));
          offset = 0;
          restoreSnapshotState(st);
          LOG.debug("litewake [{}]: database unchanged since the clean close; continuing generation {} at index {}",
              name, gen, index);
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
    try (FileChannel wal = openWal()) {
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
    }
    generation = gen;
    index = idx;
    offset = off;
    headerBytes = hb;
    header = saved;
    ck1 = c1;
    ck2 = c2;
    restoreSnapshotState(st);
    LOG.debug("litewake [{}]: continuing generation {} at index {} offset {}", name, gen, idx, off);
    return checkGenerationStillThere(pending);
  }

  private void restoreSnapshotState(Properties st) {
    lastSnapshotAt = Instant.ofEpochMilli(Long.parseLong(st.getProperty("snapshotAt", "0")));
    snapIndex = Long.parseLong(st.getProperty("snapshotIndex", "-1"));
    snapOffset = Long.parseLong(st.getProperty("snapshotOffset", "-1"));
  }

  /** Null if the replica (or the spool) still has a snapshot of the generation, else why not. */
  private String checkGenerationStillThere(List<Spool.Entry> pending) throws IOException {
    String gen = generation;
    boolean snapshotPending = pending.stream().anyMatch(e -> e.key().startsWith(Layout.generationPrefix(gen) + "snapshots/"));
    if (!snapshotPending) {
      List<StoredObject> objs;
      try {
        objs = replica.list(Layout.generationPrefix(gen));
      } catch (IOException e) {
        // a restart during a store outage: the saved state and the WAL proved continuity, the
        // spool absorbs the outage
        LOG.warn("litewake [{}]: cannot list {} ({}); continuing from the saved state", name,
            replica.location(), e.toString());
        objs = null;
      }
      if (objs != null && objs.stream().noneMatch(o -> o.key().contains("/snapshots/"))) {
        return "replica no longer holds a snapshot of generation " + gen;
      }
    }
    return null;
  }

  /** SHA-256 of the database file, read through the never-closed channel. */
  private String fingerprint() throws IOException {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
    DbFiles.Reader ch = DbFiles.reader(cfg.db());
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

  private void newGeneration(String reason) throws IOException {
    generation = newGenerationId(cfg.clock().millis());
    index = 0;
    offset = 0;
    header = null;
    headerBytes = null;
    lastPassiveFrames = -1;
    LOG.info("litewake [{}]: new generation {} ({})", name, generation, reason);
    generationStart = true;
    // the spool-limit count starts over: left as it was, the first segment of the new generation
    // would trip the limit again and drop its own baseline before the snapshot was written
    walBytesSinceSnapshot = 0;
    // the snapshot is spooled after the WAL as it is now (shipAndSnapshot): uploaded in that
    // order, a restore never finds the snapshot without the frames that make it consistent
    pendingSnapshot = true;
  }

  /**
   * A generation id: 16 lowercase hex digits, as Litestream's, that sort by creation time (11
   * digits of milliseconds, then 5 random ones). Object timestamps have one-second resolution on
   * S3; among generations last written in the same second, the newest id is the newest history.
   */
  static String newGenerationId(long millis) {
    return String.format("%011x%05x", millis & 0xfffffffffffL, RANDOM.nextInt(1 << 20));
  }

  /** Ships, and writes the snapshot a new generation is waiting for, under the same hold. */
  private void shipAndSnapshot() throws IOException {
    ship();
    if (pendingSnapshot) {
      ship(); // a generation started inside the first ship ships its index 0 here
      writeSnapshot();
      pendingSnapshot = false;
      saveState();
    }
  }

  private void writeSnapshot() throws IOException {
    DbFiles.Reader ch = DbFiles.reader(cfg.db());
    long size = ch.size();
    Path tmp = spool.newTempFile();
    byte[] buf = new byte[1 << 20];
    long pos = 0;
    try (OutputStream out = Codecs.compress(cfg.compression(), new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), Codecs.SNAPSHOT_LEVEL)) {
      while (pos < size) {
        int want = (int) Math.min(buf.length, size - pos);
        int n = ch.read(pos, buf, 0, want);
        if (pos == 0 && n >= 100 && !DbFiles.isSqliteHeader(buf)) {
          throw new IOException(cfg.db() + " is not a SQLite database (bad header)");
        }
        out.write(buf, 0, n);
        pos += n;
        if (n < want) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String key = Layout.snapshotKey(generation, index, cfg.compression());
    spool.add(key, tmp);
    walBytesSinceSnapshot = 0;
    lastSnapshotAt = cfg.clock().instant();
    snapIndex = index;
    snapOffset = offset;
    LOG.debug("litewake [{}]: snapshot of {} bytes spooled as {}", name, pos, key);
  }

  private void saveState() throws IOException {
    long seq = spool.lastSeq();
    stateDirty = true; // until saved: retried at the next pass (a full disk, say)
    if (!notDurable.isEmpty()) {
      try {
        spool.makeDurable(notDurable); // the objects before the state that records them
      } catch (IOException e) {
        // not retried on the same files (a second fsync may report success for data already
        // lost); the WAL they came from may be restarted by now: start over from a snapshot
        for (Spool.Entry lost : notDurable) {
          try {
            spool.remove(lost);
          } catch (IOException ignored) {
            // unrecorded: dropped at the next start in any case
          }
        }
        notDurable.clear();
        newGeneration("the spooled WAL could not be fsynced: " + e.getMessage());
        throw e;
      }
      notDurable.clear();
    }
    spool.saveState(stateProperties());
    stateDirty = false;
    durableSeq = seq; // the uploader may now send everything up to here
  }

  /**
   * Removes spooled objects that the saved state does not account for (a crash between spooling
   * and saving the state): the position they cover is shipped again from the WAL, or a new
   * generation starts; uploading them as well would overlap what is shipped again.
   */
  private List<Spool.Entry> dropUnrecorded(List<Spool.Entry> pending) throws IOException {
    Properties st = spool.loadState();
    long recorded = st == null ? 0 : Long.parseLong(st.getProperty("spoolSeq", Long.toString(Long.MAX_VALUE)));
    if (recorded != Long.MAX_VALUE) {
      spool.advanceSeq(recorded);
    }
    List<Spool.Entry> kept = new ArrayList<>();
    for (Spool.Entry e : pending) {
      if (e.seq() > recorded) {
        LOG.debug("litewake [{}]: dropping unrecorded spool entry {}", name, e.key());
        spool.remove(e);
      } else {
        kept.add(e);
      }
    }
    return kept;
  }

  private Properties stateProperties() {
    Properties p = new Properties();
    p.setProperty("location", replica.location());
    p.setProperty("generation", generation);
    p.setProperty("index", Long.toString(index));
    p.setProperty("offset", Long.toString(offset));
    p.setProperty("header", headerBytes == null ? "" : HexFormat.of().formatHex(headerBytes));
    p.setProperty("ck1", Integer.toUnsignedString(ck1));
    p.setProperty("ck2", Integer.toUnsignedString(ck2));
    p.setProperty("snapshotAt", Long.toString(lastSnapshotAt.toEpochMilli()));
    p.setProperty("snapshotIndex", Long.toString(snapIndex));
    p.setProperty("snapshotOffset", Long.toString(snapOffset));
    p.setProperty("spoolSeq", Long.toString(spool.lastSeq()));
    return p;
  }

  // ---------------------------------------------------------------- the read-transaction hold

  private void swapPin() {
    if (pin >= 0 && !shippedSinceSwap) {
      return; // the last ship did not complete: keep the hold that protects the unshipped frames
    }
    if (!moveHold() && pin < 0) {
      continuous = false;
    }
  }

  /** Begins a read transaction on the other connection, then ends the current one. */
  private boolean moveHold() {
    int next = pin < 0 ? 0 : 1 - pin;
    try {
      beginRead(conns[next]);
    } catch (SQLException e) {
      LOG.debug("litewake [{}]: cannot begin read transaction ({}); keeping the previous one", name, e.toString());
      return false;
    }
    notePinHeader();
    if (pin >= 0) {
      endTxn(conns[pin]);
    }
    pin = next;
    shippedSinceSwap = false;
    return true;
  }

  private static void beginRead(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
        rs.next();
      } catch (SQLException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    }
  }

  private void endTxn(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("COMMIT");
    } catch (SQLException e) {
      LOG.debug("litewake [{}]: ending transaction: {}", name, e.toString());
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException ignored) {
        // no transaction open
      }
    }
  }

  // ---------------------------------------------------------------- shipping

  private FileChannel openWal() throws IOException {
    try {
      return FileChannel.open(Path.of(walPath), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Copies committed frames past the position into the spool; returns true if any. When the WAL
   * header is still the same after the copy, the ship was complete: the hold may move on, and a
   * hold that began before it now proves continuity.
   */
  private boolean ship() throws IOException {
    byte[] before = readWalHeader();
    boolean shipped = shipOnce();
    byte[] after = readWalHeader();
    if (java.util.Arrays.equals(before, after)) {
      shippedSinceSwap = true;
      if (!continuous) {
        continuous = true;
        LOG.debug("litewake [{}]: continuity established at index {} offset {}", name, index, offset);
      }
    }
    return shipped;
  }

  private byte[] readWalHeader() throws IOException {
    try (FileChannel wal = openWal()) {
      if (wal == null) {
        return new byte[0];
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      int n = DbFiles.readFully(wal, ByteBuffer.wrap(hb), 0);
      return n == Wal.HEADER_SIZE ? hb : java.util.Arrays.copyOf(hb, Math.max(0, n));
    }
  }

  /** Reads the WAL header into {@code hb}; null if it is incomplete or not valid. */
  private static Wal.Header readHeader(FileChannel wal, byte[] hb) throws IOException {
    if (DbFiles.readFully(wal, ByteBuffer.wrap(hb), 0) < Wal.HEADER_SIZE) {
      return null;
    }
    return Wal.parseHeader(hb);
  }

  private boolean shipOnce() throws IOException {
    Object walId = DbFiles.identity(Path.of(walPath));
    if (walIdentity != null && offset > 0 && !walIdentity.equals(walId)) {
      // our connections keep the WAL file alive: only someone else can remove or replace it
      walIdentity = walId;
      if (walId == null) {
        newGeneration("WAL file removed by another process");
        return true;
      }
      newGeneration("WAL file replaced by another process");
    }
    walIdentity = walId;
    try (FileChannel wal = openWal()) {
      if (wal == null) {
        return false;
      }
      long size = wal.size();
      if (size < Wal.HEADER_SIZE) {
        if (offset > 0 && !continuous) {
          // truncated by someone while no hold proved that everything was copied first
          newGeneration("WAL truncated while continuity could not be proven");
        }
        return false;
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      Wal.Header h = readHeader(wal, hb);
      if (h == null) {
        return false; // being written, or not a WAL life with frames yet
      }
      if (header != null && offset > 0 && !h.sameSalts(header)) {
        // the WAL was restarted or truncated and rewritten
        if (!continuous) {
          newGeneration("WAL restarted while continuity could not be proven");
        } else {
          LOG.debug("litewake [{}]: WAL restarted; index {} -> {}", name, index, index + 1);
          index++;
          offset = 0;
          header = null;
          headerBytes = null;
          lastPassiveFrames = -1;
        }
      }
      if (offset == 0) {
        return spoolSegment(wal, h, hb, Wal.HEADER_SIZE, h.ck1(), h.ck2());
      }
      if (size < offset) {
        // same salts but shorter than what was shipped: cannot be a continuation
        newGeneration("WAL truncated below the replicated position");
        return shipOnce();
      }
      if (size < offset + h.frameSize()) {
        return false; // not a single new frame
      }
      return spoolSegment(wal, h, hb, offset, ck1, ck2);
    }
  }

  /**
   * Copies the committed frames from {@code from} into a new spool entry in one pass (read,
   * verify, compress); returns false, with no file left behind, when there was no commit.
   */
  private boolean spoolSegment(FileChannel wal, Wal.Header h, byte[] hb, long from, int c1, int c2)
      throws IOException {
    long keyOffset = from == Wal.HEADER_SIZE && offset == 0 ? 0 : from;
    SegmentFile seg = new SegmentFile(keyOffset == 0 ? hb : null, Codecs.walLevel(wal.size() - from));
    WalScanner.Scan s;
    try (seg) {
      s = WalScanner.copyCommitted(wal, h, from, c1, c2, seg);
    } catch (IOException | RuntimeException e) {
      seg.delete();
      throw e;
    }
    if (s.end() <= from) {
      seg.delete();
      return false;
    }
    Path tmp = seg.file;
    String key = Layout.walKey(generation, index, keyOffset, cfg.compression());
    Spool.Entry added = spool.add(key, tmp, !deferDurability);
    if (deferDurability) {
      notDurable.add(added);
    }
    if (generationStart) {
      generationStart = false; // the WAL as it was at the snapshot: part of the baseline
    } else {
      walBytesSinceSnapshot += added.size();
    }
    if (keyOffset == 0) {
      header = h;
      headerBytes = hb;
    }
    offset = s.end();
    ck1 = s.ck1();
    ck2 = s.ck2();
    if (deferDurability) {
      stateDirty = true; // saved right after the write lock is released
    } else {
      saveState();
    }
    LOG.debug("litewake [{}]: spooled {} ({} bytes of WAL)", name, key, s.end() - keyOffset);
    synchronized (uploadMonitor) {
      uploadMonitor.notifyAll();
    }
    if (walBytesSinceSnapshot > cfg.maxSpoolBytes()) {
      overflow();
    }
    return true;
  }

  /** A compressed spool file created on the first byte written to it (none for no commit). */
  private final class SegmentFile extends OutputStream {
    private final byte[] walHeader;
    private final int level;
    Path file;
    private OutputStream out;
    private boolean closed;

    SegmentFile(byte[] walHeader, int level) {
      this.walHeader = walHeader;
      this.level = level;
    }

    private OutputStream out() throws IOException {
      if (out == null) {
        file = spool.newTempFile();
        out = Codecs.compress(cfg.compression(),
            new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), level);
        if (walHeader != null) {
          out.write(walHeader);
        }
      }
      return out;
    }

    @Override
    public void write(int b) throws IOException {
      out().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out().write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (out != null && !closed) {
        closed = true;
        out.close();
      }
    }

    void delete() throws IOException {
      if (file != null) {
        try {
          close();
        } catch (IOException e) {
          LOG.debug("litewake [{}]: closing a discarded segment: {}", name, e.toString());
        }
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * The store has been unreachable long enough for the spooled WAL to pass the limit: drop the
   * pending history and start a new generation from a snapshot, so the latest state still
   * reaches the store when it is back; only point-in-time history of the outage is lost.
   */
  private void overflow() throws IOException {
    List<Spool.Entry> dropped = spool.pending();
    long bytes = dropped.stream().mapToLong(Spool.Entry::size).sum();
    LOG.warn("litewake [{}]: spool limit of {} bytes reached while {} is unreachable; dropping {} pending objects "
        + "({} bytes) of generation {} and starting a new generation from a snapshot: the latest state is kept, "
        + "point-in-time history of the outage is not", name, cfg.maxSpoolBytes(), replica.location(),
        dropped.size(), bytes, generation);
    spool.clear();
    synchronized (uploadMonitor) {
      uploadedThrough = Math.max(uploadedThrough, dropped.isEmpty() ? uploadedThrough : dropped.get(dropped.size() - 1).seq());
      uploadMonitor.notifyAll();
    }
    newGeneration("spool limit reached during a store outage");
  }

  /** One pass: move the hold, ship, and (in the background only) snapshot and checkpoint. */
  private synchronized long cycle(boolean background) throws IOException, SQLException {
    if (closed && background) {
      return spool.lastSeq();
    }
    Object id = DbFiles.identity(cfg.db());
    if (id == null) {
      throw new IOException("database file " + cfg.db() + " was removed");
    }
    if (!id.equals(dbIdentity)) {
      LOG.warn("litewake [{}]: database file was replaced; starting over on the new file", name);
      closeConnections();
      dbIdentity = id;
      openConnections();
      pin = -1;
      swapPin();
      continuous = false;
      walIdentity = null;
      newGeneration("database file replaced");
    }
    if (stateDirty) {
      saveState();
    }
    if (pin < 0) {
      swapPin(); // the hold was lost (database replaced); otherwise it only moves when needed
    }
    shipAndSnapshot();
    if (background) {
      maybeSnapshot();
      maybeCheckpoint();
    }
    shippedOffset = offset;
    shippedHeader = headerBytes;
    return spool.lastSeq();
  }

  private void maybeSnapshot() throws IOException {
    Instant now = cfg.clock().instant();
    if (now.isBefore(lastSnapshotAt.plus(cfg.snapshotInterval()))) {
      return;
    }
    if (snapIndex == index && snapOffset == offset) {
      return; // nothing written since the last snapshot
    }
    writeSnapshot();
    saveState();
  }

  private void maybeCheckpoint() throws IOException {
    if (header == null || offset <= Wal.HEADER_SIZE) {
      return;
    }
    long frames = (offset - Wal.HEADER_SIZE) / header.frameSize();
    long grown = index == passIndex ? frames - passFrames : frames;
    passIndex = index;
    passFrames = frames;
    boolean awaitingRestart = index == restartedIndex && frames == restartedFrames;
    if (frames >= cfg.maxCheckpointPages() && !awaitingRestart && restartDue(frames)
        && !cfg.clock().instant().isBefore(restartNotBefore)) {
      restartWal();
    } else if (frames >= cfg.minCheckpointPages() && frames != lastPassiveFrames && grown < cfg.minCheckpointPages()) {
      // a slow writer: move the hold up to what was shipped and backfill to it. A fast writer's
      // WAL reaches maxCheckpointPages soon; moving the hold under it would only hand the
      // backfill to the application's next commit (its auto-checkpoint runs first)
      releaseIfBackfilled(frames);
      lastPassiveFrames = frames;
    } else if (grown == 0) {
      shrinkIdleWal(frames);
    }
  }

  /**
   * Backfills to what was shipped; if that is the whole WAL, moves the hold to a new read
   * transaction, which takes read mark 0 if nothing was committed meanwhile (else a mark above
   * it, as before): the application's next commit then restarts the WAL, and the hold moves off
   * mark 0 at once ({@link #repinAfterRestart}). Returns true if the whole WAL was backfilled.
   */
  private boolean releaseIfBackfilled(long frames) {
    if (advanceHoldAndBackfill() != frames) {
      return false;
    }
    shippedSinceSwap = true; // every frame the current hold could protect is shipped
    swapPin();
    return true;
  }

  /** When an idle TRUNCATE that did not succeed is tried again. */
  private Instant idleTruncateNotBefore = Instant.EPOCH;

  /**
   * Truncates a WAL file that a burst of writes left large, once the application is idle: WAL
   * restarts reuse the file in place (as SQLite does), so its size on disk stays at the largest
   * the WAL reached since. TRUNCATE cannot remove an unshipped frame: it runs only when the
   * whole WAL is shipped and backfilled, under a hold on read mark 0 that blocks the backfill of
   * anything committed since, so a commit that slips in makes it fail (busy) instead.
   */
  private void shrinkIdleWal(long frames) throws IOException {
    long size;
    try {
      size = Files.size(Path.of(walPath));
    } catch (NoSuchFileException e) {
      return;
    }
    if (size <= (long) cfg.maxCheckpointPages() * header.frameSize() + Wal.HEADER_SIZE
        || cfg.clock().instant().isBefore(idleTruncateNotBefore)) {
      return;
    }
    if (releaseIfBackfilled(frames) && checkpoint(conns[1 - pin], "TRUNCATE", 0) == 0) {
      LOG.debug("litewake [{}]: idle WAL of {} bytes truncated", name, size);
      lastPassiveFrames = -1;
    } else {
      // a commit slipped in, or a reader of the application keeps the WAL: later
      idleTruncateNotBefore = cfg.clock().instant().plus(cfg.syncInterval().multipliedBy(10));
    }
  }

  /**
   * Restarts a large WAL without losing frames: with the write lock held by our spare
   * connection nothing can commit, so everything is shipped, then checkpointed, then the hold is
   * moved to a read mark 0 (which blocks any further backfill) before the lock is released. The
   * application's next commit then restarts the WAL in place, from its start: only a WAL that
   * is fully copied can be restarted. It is not truncated here: a TRUNCATE stops the
   * application's writers while the file's pages are freed and synced (25-60 ms for a fast
   * writer's 100-200 MB WAL), and the next frames would allocate them again;
   * {@link #shrinkIdleWal} truncates it once the writer pauses.
   */
  private void restartWal() throws IOException {
    // copy and backfill what can be done without any lock, so the locked part below stays
    // short: under load the tail keeps growing while a large copy or backfill runs, so copy, move
    // the hold up and backfill to it, and again for what was written meanwhile until that is
    // small (each round takes a fraction of the time of the one before)
    for (int round = 0; round < 4; round++) {
      long before = offset;
      ship();
      if (header == null) {
        break;
      }
      long shipped = (offset - Wal.HEADER_SIZE) / header.frameSize();
      long log = advanceHoldProtected();
      if (offset - before < SMALL_TAIL_FRAMES * header.frameSize() && log >= 0 && log - shipped < SMALL_TAIL_FRAMES) {
        break; // little was written meanwhile: the locked part below is short
      }
    }
    Connection w = conns[1 - pin];
    Connection p = conns[pin];
    // wait longer each time the application's writers win the lock, up to one second
    int waitMs = (int) Math.min(1000, WRITE_LOCK_WAIT_MS * (1L << Math.min(postponed, 4)));
    try (Statement s = w.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + waitMs);
      s.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      postponed++;
      LOG.debug("litewake [{}]: WAL restart postponed ({} times), the write lock stayed busy for {} ms",
          name, postponed, waitMs);
      busyTimeout(w, READ_BUSY_TIMEOUT_MS);
      return;
    }
    postponed = 0;
    long locked = System.nanoTime();
    boolean pinned = true;
    long backfilled = -1;
    try {
      // the tail is copied into the spool without its fsyncs (tens of milliseconds that would
      // stop the application's writers); they follow right after the lock is released. A crash
      // before them drops the unrecorded tail at the next start, and the WAL, restarted by
      // then, can no longer prove continuity: a new generation, never a gap
      deferDurability = true;
      try {
        ship();
      } finally {
        deferDurability = false;
      }
      endTxn(p);
      backfilled = checkpoint(p, "PASSIVE", -1);
      try {
        beginRead(p);
        notePinHeader();
      } catch (SQLException e) {
        pinned = false;
      }
    } finally {
      endTxn(w);
      busyTimeout(w, READ_BUSY_TIMEOUT_MS);
      LOG.debug("litewake [{}]: write lock held {} ms to restart the WAL", name,
          (System.nanoTime() - locked) / 1_000_000);
    }
    if (!pinned) {
      // the write transaction's read snapshot was the only hold left: nothing holds the WAL now
      // (set before anything below can fail, so that the next pass takes the hold up again)
      continuous = false;
      pin = -1;
    }
    if (stateDirty) {
      saveState(); // makes the tail copied under the lock durable, then records it
    }
    if (!pinned) {
      swapPin();
      return;
    }
    if (backfilled == CKPT_BUSY) {
      // the application's auto-checkpoint was running: try again at the next pass
      LOG.debug("litewake [{}]: WAL restart postponed, another checkpoint was running", name);
      return;
    }
    if (backfilled < 0) {
      // a reader of the application keeps part of the WAL: retrying at once would only take
      // the write lock again for nothing
      restartFailures++;
      restartNotBefore = cfg.clock().instant().plus(
          cfg.syncInterval().multipliedBy(1L << Math.min(restartFailures, 6)));
      LOG.debug("litewake [{}]: WAL not fully checkpointed (readers); next restart attempt after {}", name,
          restartNotBefore);
      return;
    }
    restartFailures = 0;
    lastRestartNanos = System.nanoTime();
    // the application's next commit restarts this WAL; until then there is nothing to redo
    // (no header: the copy under the lock started a new generation, the spool limit say)
    restartedIndex = header == null ? -1 : index;
    restartedFrames = header == null ? -1 : (offset - Wal.HEADER_SIZE) / header.frameSize();
    lastPassiveFrames = -1;
  }

  /**
   * Whether a WAL past {@code maxCheckpointPages} is restarted now: at most once per sync interval
   * (each restart stops the application's writers for a few milliseconds, up to tens under a
   * fast writer), unless it passed four times that size.
   */
  private boolean restartDue(long frames) {
    return lastRestartNanos == 0 || frames >= 4L * cfg.maxCheckpointPages()
        || System.nanoTime() - lastRestartNanos >= cfg.syncInterval().toNanos();
  }

  /** Frames left to copy and backfill under the write lock that the restart may take at once. */
  private static final int SMALL_TAIL_FRAMES = 256;

  /**
   * Moves the hold up to the WAL's end (if the last ship was complete) and backfills to it from
   * the spare connection at once: the application's next commit would otherwise run the backfill
   * in its own auto-checkpoint. Returns what {@link #checkpoint} returns: the WAL's frame count
   * if it is now fully backfilled, {@link #CKPT_BUSY} or -1.
   */
  private long advanceHoldAndBackfill() {
    swapPin();
    return checkpoint(conns[1 - pin], "PASSIVE", -1);
  }

  /** How long a protected hold move waits for the application's write lock. */
  private static final int ADVANCE_LOCK_WAIT_MS = 20;
  /** How long the write lock is kept once our checkpoint was started. */
  private static final long ADVANCE_LOCK_HOLD_US = 1000;

  /**
   * {@link #advanceHoldAndBackfill} while the application cannot commit, so that its
   * auto-checkpoint does not get to the frames below the new hold first: a commit right after
   * the move would copy them into the database inside the application's commit (tens of MB
   * under a fast writer). The write lock is kept only until our checkpoint holds the checkpoint
   * lock, about a millisecond; the copy then runs while the application writes on, and its
   * auto-checkpoints, finding the checkpoint lock taken, skip. When the write lock is busy the
   * move happens unprotected.
   */
  private long advanceHoldProtected() {
    if (pin < 0 || !shippedSinceSwap) {
      return advanceHoldAndBackfill(); // the hold stays: nothing new to backfill to
    }
    try (Statement s = locker.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      return advanceHoldAndBackfill();
    }
    // whoever flips this ends the write transaction: the releaser after the hold time, or this
    // thread once its checkpoint is over, whichever comes first (never both: one connection)
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.Future<?> release;
    try {
      swapPin();
      release = releaser().schedule(() -> {
        if (ended.compareAndSet(false, true)) {
          endTxn(locker);
        }
      }, ADVANCE_LOCK_HOLD_US, java.util.concurrent.TimeUnit.MICROSECONDS);
    } catch (RuntimeException | Error e) {
      endTxn(locker);
      throw e;
    }
    long r = CKPT_BUSY;
    long giveUp = System.nanoTime() + ADVANCE_LOCK_HOLD_US * 1000;
    try {
      // an auto-checkpoint begun after the application's last commit may still hold the
      // checkpoint lock; it can only copy up to the previous hold. Wait for it no longer than
      // the lock is meant to be held: the releaser may be scheduled late on a busy machine
      while (r == CKPT_BUSY && !ended.get() && System.nanoTime() < giveUp) {
        r = checkpoint(conns[1 - pin], "PASSIVE", -1);
      }
    } finally {
      if (ended.compareAndSet(false, true)) {
        release.cancel(false); // runs to nothing if it already started
        endTxn(locker);
      } else {
        awaitRelease(release); // the releaser ended it, or is ending it right now
      }
    }
    return r;
  }

  /** Waits for the releaser's end of the write transaction, even when interrupted. */
  private void awaitRelease(java.util.concurrent.Future<?> release) {
    boolean interrupted = false;
    while (true) {
      try {
        release.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
        endTxn(locker); // it failed (or was shut down) before ending it: end it here
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private java.util.concurrent.ScheduledExecutorService releaser() {
    if (releaser == null) {
      releaser = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "litewake-release-" + name);
        t.setDaemon(true);
        return t;
      });
    }
    return releaser;
  }

  /** {@link #checkpoint} result: another connection's checkpoint holds the checkpoint lock. */
  private static final long CKPT_BUSY = -2;

  /**
   * Runs a checkpoint; returns the WAL's frame count if the whole WAL is backfilled (log ==
   * checkpointed), {@link #CKPT_BUSY} if another checkpoint was running, else -1. A negative
   * {@code busyMs} leaves the busy timeout as it is (a PASSIVE checkpoint never waits) and saves
   * two statements.
   */
  private long checkpoint(Connection c, String mode, int busyMs) {
    if (busyMs >= 0) {
      busyTimeout(c, busyMs);
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (rs.next()) {
        int busy = rs.getInt(1);
        int log = rs.getInt(2);
        int done = rs.getInt(3);
        LOG.debug("litewake [{}]: checkpoint {}: busy={} log={} checkpointed={}", name, mode, busy, log, done);
        if (busy != 0 && log < 0) {
          return CKPT_BUSY;
        }
        return busy == 0 && log == done ? log : -1;
      }
      return -1;
    } catch (SQLException e) {
      LOG.debug("litewake [{}]: checkpoint {} failed: {}", name, mode, e.toString());
      return -1;
    } finally {
      if (busyMs >= 0) {
        busyTimeout(c, READ_BUSY_TIMEOUT_MS);
      }
    }
  }

  private void busyTimeout(Connection c, int ms) {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + ms);
    } catch (SQLException e) {
      LOG.debug("litewake [{}]: busy_timeout: {}", name, e.toString());
    }
  }

  /**
   * How often the ship thread looks at the WAL between passes: a stat, and two small reads only
   * when the WAL changed since the last look; no lock.
   */
  private static final long WAL_POLL_MS = 10;

  /**
   * Sleeps until the next pass is due: after the sync interval, or earlier once the application
   * has appended half of {@code maxCheckpointPages} frames to the WAL since the last pass, so
   * that a fast writer's WAL is restarted at that size instead of growing for a whole interval.
   * Moves the hold off read mark 0 as soon as the application restarted the WAL (see
   * {@link #repinAfterRestart}). Returns false if interrupted.
   */
  private boolean awaitNextPass(long intervalMs) {
    long due = System.nanoTime() + intervalMs * 1_000_000;
    int frames = Math.max(1, cfg.maxCheckpointPages() / 2);
    Path wal = Path.of(walPath);
    Object seen = null;
    while (true) {
      long leftMs = (due - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        return true;
      }
      try {
        Thread.sleep(Math.min(WAL_POLL_MS, leftMs));
      } catch (InterruptedException e) {
        return false;
      }
      if (closed) {
        return true;
      }
      Object now = DbFiles.sizeAndTime(wal);
      if (now == null || now.equals(seen)) {
        continue; // no WAL, or not written since the last look
      }
      seen = now;
      byte[] held = pinHeader;
      WalLook look = lookAtWal(shippedOffset, shippedHeader, frames, held);
      if (look == WalLook.RESTARTED) {
        repinAfterRestart(held);
      } else if (look == WalLook.GROWN) {
        LOG.debug("litewake [{}]: WAL grew by {} frames since the last pass; shipping early", name, frames);
        return true;
      }
    }
  }

  /** What a look at the WAL between passes found. */
  private enum WalLook { UNCHANGED, RESTARTED, GROWN }

  /**
   * Whether the WAL was restarted under the hold (its header is no longer {@code held}, the one
   * noted when the hold began, and a frame of the new life is there), or holds at least {@code frames} frames of its current life past the shipped
   * position: two small reads (the WAL header and one frame header). A frame belongs to the
   * current life when its salts equal the header's; frames left from before a restart do not.
   */
  private WalLook lookAtWal(long shipped, byte[] shippedWalHeader, int frames, byte[] held) {
    try (FileChannel wal = openWal()) {
      if (wal == null) {
        return WalLook.UNCHANGED;
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      Wal.Header h = readHeader(wal, hb);
      if (h == null) {
        return WalLook.UNCHANGED;
      }
      if (held != null && !java.util.Arrays.equals(hb, held) && frameOfLife(wal, h, Wal.HEADER_SIZE)) {
        return WalLook.RESTARTED;
      }
      boolean restarted = !java.util.Arrays.equals(hb, shippedWalHeader);
      long base = shipped > 0 && !restarted ? shipped : Wal.HEADER_SIZE;
      return frameOfLife(wal, h, base + (long) (frames - 1) * h.frameSize()) ? WalLook.GROWN : WalLook.UNCHANGED;
    } catch (IOException e) {
      return WalLook.UNCHANGED;
    }
  }

  private static boolean frameOfLife(FileChannel wal, Wal.Header h, long at) throws IOException {
    byte[] fh = new byte[Wal.FRAME_HEADER_SIZE];
    if (DbFiles.readFully(wal, ByteBuffer.wrap(fh), at) < Wal.FRAME_HEADER_SIZE) {
      return false;
    }
    return Wal.u32(fh, 8) == h.salt1() && Wal.u32(fh, 12) == h.salt2();
  }

  /**
   * The WAL header read right after the hold began (empty if there was no WAL header), or null if
   * it could not be read: a different header later means the WAL was restarted under the hold.
   */
  private volatile byte[] pinHeader;

  /** Records the WAL header as it is right after a new hold began. */
  private void notePinHeader() {
    try {
      pinHeader = readWalHeader();
    } catch (IOException e) {
      pinHeader = null;
    }
  }

  /**
   * Moves the hold to a new read transaction right after the application restarted (or began
   * to rewrite a truncated) WAL under the hold whose noted header is {@code held}. A restart can only happen under a hold that sits on read mark 0,
   * and such a hold blocks every backfill: each commit of the application past its
   * auto-checkpoint threshold would then sort the whole WAL for a checkpoint that cannot run,
   * halving its write rate. A new read transaction begun now takes a mark above 0 (the new
   * frames are not backfilled), which lets the application's checkpoints finish at once and
   * still keeps every frame in place until shipped. Moving off a mark-0 hold is always safe: no
   * frame could be backfilled under it, so nothing that it protected can be lost.
   */
  private synchronized void repinAfterRestart(byte[] held) {
    if (closed || pin < 0 || pinHeader != held) {
      return; // a pass ran in the meantime and moved the hold itself (each move notes a new header)
    }
    if (moveHold()) {
      LOG.debug("litewake [{}]: WAL restarted by the application; read transaction moved off read mark 0", name);
    }
  }

  private void shipLoop() {
    long intervalMs = Math.max(1, cfg.syncInterval().toMillis());
    int failures = 0;
    while (!closed) {
      if (!awaitNextPass(intervalMs)) {
        return;
      }
      if (closed) {
        return;
      }
      if (claim.fencedBy() != null) {
        return; // nothing we copy would be uploaded
      }
      try {
        cycle(true);
        failures = 0;
      } catch (IOException | SQLException | RuntimeException e) {
        if (failures++ == 0) {
          LOG.warn("litewake [{}]: replication pass failed, will retry: {}", name, e.toString(), e);
        } else {
          LOG.debug("litewake [{}]: replication pass failed again: {}", name, e.toString());
        }
      }
    }
  }

  // ---------------------------------------------------------------- uploading

  private void uploadLoop() {
    int failures = 0;
    while (true) {
      List<Spool.Entry> pending;
      try {
        pending = spool.pending();
      } catch (IOException e) {
        pending = List.of();
      }
      if (pending.isEmpty()) {
        if (stopUploader) {
          return;
        }
        if (!cfg.clock().instant().isBefore(retentionDueAt)) {
          try {
            enforceRetention();
          } catch (IOException | RuntimeException e) {
            LOG.warn("litewake [{}]: retention pass on {} failed, will retry: {}", name, replica.location(), e.toString());
            retentionDueAt = cfg.clock().instant().plus(Duration.ofMinutes(1));
          }
          continue;
        }
        synchronized (uploadMonitor) {
          try {
            Instant now = cfg.clock().instant();
            long waitMs = retentionDueAt.isAfter(now.plusSeconds(1)) ? 1000
                : Math.max(1, Duration.between(now, retentionDueAt).toMillis());
            uploadMonitor.wait(waitMs);
          } catch (InterruptedException e) {
            return;
          }
        }
        continue;
      }
      pending = snapshotsAfterTheirWal(pending.stream().filter(e -> e.seq() <= durableSeq).toList());
      if (pending.isEmpty()) {
        synchronized (uploadMonitor) {
          try {
            uploadMonitor.wait(50);
          } catch (InterruptedException ie) {
            return;
          }
        }
        continue;
      }
      java.util.TreeSet<Long> remaining = new java.util.TreeSet<>();
      pending.forEach(p -> remaining.add(p.seq()));
      long newest = remaining.isEmpty() ? 0 : remaining.last();
      for (Spool.Entry e : pending) {
        try {
          String gen = generationOf(e.key());
          if (gen != null) {
            claim.claim(gen);
            if (!claim.stillOwner(gen)) {
              fenced();
              return;
            }
          }
          if (e.key().contains("/wal/")) {
            if (replica.putIfAbsent(e.key(), e.file()) == null && !sameContent(e)) {
              claim.fence("another replicator already wrote " + e.key() + " with different content (a second"
                  + " writer continuing generation " + gen + ", e.g. from a cloned volume)");
              fenced();
              return;
            }
          } else {
            replica.put(e.key(), e.file());
          }
          spool.remove(e);
          remaining.remove(e.seq());
          // everything below the oldest entry not yet uploaded is in the store
          long through = remaining.isEmpty() ? newest : remaining.first() - 1;
          uploadedThrough = Math.max(uploadedThrough, through);
          lastUploadError = null;
          if (failures > 0) {
            LOG.info("litewake [{}]: replica {} reachable again", name, replica.location());
          }
          failures = 0;
          if (e.key().contains("/snapshots/")) {
            LOG.info("litewake [{}]: snapshot written to {} as {} ({} bytes)", name, replica.location(), e.key(), e.size());
            retentionDueAt = Instant.EPOCH;
          } else {
            LOG.debug("litewake [{}]: uploaded {}", name, e.key());
          }
          synchronized (uploadMonitor) {
            uploadMonitor.notifyAll();
          }
        } catch (IOException | RuntimeException ex) {
          lastUploadError = ex;
          if (failures++ == 0) {
            LOG.warn("litewake [{}]: upload of {} to {} failed, will retry: {}", name, e.key(), replica.location(), ex.toString());
          } else {
            LOG.debug("litewake [{}]: upload retry {} failed: {}", name, failures, ex.toString());
          }
          long backoff = Math.min(5_000, 100L << Math.min(failures, 6));
          synchronized (uploadMonitor) {
            try {
              uploadMonitor.wait(closed ? Math.min(backoff, 200) : backoff);
            } catch (InterruptedException ie) {
              return;
            }
          }
          break;
        }
      }
    }
  }

  /**
   * Orders the uploads so that a snapshot never reaches the store before a spooled WAL segment of
   * its generation at or below its index: a snapshot read while a checkpoint was copying frames
   * is only consistent together with those frames, and a restore between the two uploads would
   * otherwise find the snapshot alone.
   */
  static List<Spool.Entry> snapshotsAfterTheirWal(List<Spool.Entry> pending) {
    List<Spool.Entry> out = new ArrayList<>(pending);
    List<Spool.Entry> held = new ArrayList<>();
    for (Spool.Entry e : pending) {
      if (!e.key().contains("/snapshots/")) {
        continue;
      }
      String gen = generationOf(e.key());
      long idx = indexOf(e.key());
      boolean later = pending.stream().anyMatch(w -> w.seq() > e.seq() && w.key().contains("/wal/")
          && gen != null && gen.equals(generationOf(w.key())) && indexOf(w.key()) <= idx);
      if (later) {
        out.remove(e);
        held.add(e);
      }
    }
    out.addAll(held);
    return out;
  }

  private static long indexOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    int end = name.indexOf(name.contains("_") ? '_' : '.');
    try {
      return Long.parseLong(name.substring(0, end), 16);
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String generationOf(String key) {
    if (!key.startsWith(Layout.GENERATIONS)) {
      return null;
    }
    int end = key.indexOf('/', Layout.GENERATIONS.length());
    return end < 0 ? null : key.substring(Layout.GENERATIONS.length(), end);
  }

  /** True if the stored object {@code e.key()} holds exactly the spooled bytes (a retried upload). */
  private boolean sameContent(Spool.Entry e) throws IOException {
    try (java.io.InputStream stored = replica.open(e.key());
        java.io.InputStream local = new java.io.BufferedInputStream(Files.newInputStream(e.file()))) {
      byte[] a = new byte[1 << 16];
      byte[] b = new byte[1 << 16];
      while (true) {
        int n = stored.readNBytes(a, 0, a.length);
        int m = local.readNBytes(b, 0, b.length);
        if (n != m || !java.util.Arrays.equals(a, 0, n, b, 0, m)) {
          return false;
        }
        if (n == 0) {
          return true;
        }
      }
    }
  }

  private void fenced() {
    LOG.error("litewake [{}]: replication to {} is fenced: {}; "
        + "this instance stops uploading (its writes stay in {} but are not replicated)", name, replica.location(),
        claim.fencedBy(), spool.dir());
    synchronized (uploadMonitor) {
      uploadMonitor.notifyAll();
    }
  }

  private void enforceRetention() throws IOException {
    ReplicaContents contents = Layout.parse(replica.location(), replica.list(Layout.GENERATIONS));
    Instant now = cfg.clock().instant();
    Retention.Plan plan = Retention.plan(contents, generation, now, cfg.retention());
    if (!plan.deletions().isEmpty()) {
      replica.delete(plan.deletions());
      LOG.info("litewake [{}]: retention removed {} objects older than {} from {}", name,
          plan.deletions().size(), cfg.retention(), replica.location());
    }
    retentionDueAt = plan.nextDue();
  }

  // ---------------------------------------------------------------- sync / close

  /** Ships everything committed so far and waits until the replica holds it. */
  public void sync(Duration timeout) {
    if (closed) {
      throw new LitewakeException("replicator of " + cfg.db() + " is closed");
    }
    requireNotFenced();
    long target;
    try {
      target = cycle(false);
    } catch (IOException | SQLException e) {
      throw new LitewakeException("sync of " + cfg.db() + " to " + replica.location() + " failed: " + e.getMessage(), e);
    }
    awaitUploaded(target, timeout);
  }

  private void requireNotFenced() {
    if (claim != null && claim.fencedBy() != null) {
      throw new LitewakeException("replication of " + cfg.db() + " to " + replica.location()
          + " is fenced: " + claim.fencedBy()
          + "; this instance's writes are not replicated. Stop this instance, or restore from the replica");
    }
  }

  private void awaitUploaded(long target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (uploadMonitor) {
      uploadMonitor.notifyAll();
      while (uploadedThrough < target) {
        requireNotFenced();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          Throwable err = lastUploadError;
          throw new LitewakeException("sync of " + cfg.db() + " timed out after " + timeout + ": "
              + (target - uploadedThrough) + " objects not yet in " + replica.location()
              + (err == null ? "" : " (last error: " + err.getMessage() + ")")
              + "; they stay in the spool " + spool.dir() + " and are retried", err);
        }
        try {
          uploadMonitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LitewakeException("sync of " + cfg.db() + " interrupted", e);
        }
      }
    }
  }

  /** Number of bytes waiting in the spool. */
  public long pendingBytes() {
    try {
      return spool.pendingBytes();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The current position, for results and tests: generation, index, offset. */
  public synchronized String position() {
    return generation + "/" + String.format("%08x", index) + "/" + String.format("%08x", offset);
  }

  /** The current generation. */
  public synchronized String generation() {
    return generation;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true; // the shipper stops; sync() refuses from now on
    }
    if (shipper != null) {
      shipper.interrupt();
      try {
        shipper.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long target = -1;
    boolean shippedAll = false;
    synchronized (this) {
      try {
        if (conns[0] != null) {
          target = cycle(false);
          if (lockForClose()) {
            target = shipFinal(); // nothing can commit now: this ships everything
            shippedAll = continuous;
          }
        }
      } catch (IOException | SQLException | RuntimeException e) {
        LOG.warn("litewake [{}]: final replication pass failed: {}", name, e.toString());
      }
      // release the application's write lock before waiting for the store
      closeConnections();
      if (releaser != null) {
        releaser.shutdownNow();
      }
      if (shippedAll) {
        recordCleanClose();
      }
    }
    if (target >= 0) {
      try {
        awaitUploaded(target, cfg.closeTimeout());
      } catch (LitewakeException e) {
        LOG.warn("litewake [{}]: closing with {} bytes not yet uploaded to {}; they stay in {} and are uploaded at the next start",
            name, pendingBytes(), replica.location(), spool.dir());
      }
    }
    stopUploader = true;
    if (uploader != null) {
      uploader.interrupt();
      try {
        uploader.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (cfg.ownsReplica()) {
      replica.close();
    }
    if (spoolLock != null) {
      try {
        spoolLock.close();
      } catch (Exception e) {
        LOG.debug("litewake [{}]: releasing the spool lock: {}", name, e.toString());
      }
    }
    if (generation != null) {
      LOG.info("litewake [{}]: replication to {} stopped at {}", name, replica.location(), position());
    }
  }

  private synchronized long shipFinal() throws IOException {
    shipAndSnapshot();
    return spool.lastSeq();
  }

  /** Index of the connection holding the write lock at close, or -1. */
  private int writer = -1;

  private synchronized boolean lockForClose() {
    if (pin < 0) {
      return false;
    }
    Connection w = conns[1 - pin];
    try (Statement s = w.createStatement()) {
      s.execute("PRAGMA busy_timeout=1000");
      s.execute("BEGIN IMMEDIATE");
      writer = 1 - pin;
      return true;
    } catch (SQLException e) {
      LOG.debug("litewake [{}]: write lock busy at close: {}", name, e.toString());
      return false;
    }
  }

  /**
   * If closing our connections removed the WAL, they were the last ones, and the connection that
   * held the write lock from the final copy on closed last, still inside its transaction: its
   * close checkpointed exactly the copied frames into the database file (no other connection
   * could write between the copy and the checkpoint, except within the few instructions between
   * the close's rollback and its exclusive lock, and then only a process that also opened,
   * wrote, committed and closed in that instant). Fingerprint the file so that the next start
   * can continue the generation; any later change to the file makes the fingerprint differ. The
   * next WAL gets the next index, or this one if nothing was shipped in it.
   */
  private void recordCleanClose() {
    try {
      if (Files.exists(Path.of(walPath)) || !java.util.Objects.equals(dbIdentity, DbFiles.identity(cfg.db()))) {
        return; // not the last connection: the WAL lives on and proves continuity by itself
      }
      String fp = fingerprint();
      if (Files.exists(Path.of(walPath))) {
        return; // written to meanwhile
      }
      Properties p = stateProperties();
      p.setProperty("cleanSha256", fp);
      p.setProperty("cleanNextIndex", Long.toString(offset > 0 ? index + 1 : index));
      spool.saveState(p);
      LOG.debug("litewake [{}]: clean close recorded", name);
    } catch (IOException e) {
      LOG.debug("litewake [{}]: cannot record the clean close: {}", name, e.toString());
    }
  }

  /**
   * Closes both connections, ending their transactions; the one holding the write lock (at
   * close) closes last, so that no other writer can slip in between our final copy and the
   * checkpoint that a last connection runs when it closes.
   */
  private void closeConnections() {
    if (locker != null) {
      try {
        locker.close(); // never inside a transaction here: see advanceHoldProtected
      } catch (SQLException e) {
        LOG.debug("litewake [{}]: closing connection: {}", name, e.toString());
      }
      locker = null;
    }
    int[] order = writer == 0 ? new int[] {1, 0} : new int[] {0, 1};
    for (int i : order) {
      if (conns[i] != null) {
        if (i != writer) {
          endTxn(conns[i]); // the writer closes inside its transaction: see recordCleanClose
        }
        try {
          conns[i].close();
        } catch (SQLException e) {
          LOG.debug("litewake [{}]: closing connection: {}", name, e.toString());
        }
        conns[i] = null;
      }
    }
    pin = -1;
    writer = -1;
  }
}
