package io.litewake.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The read transaction that keeps the WAL from being restarted under frames not yet shipped.
 *
 * <p>The replicator always holds a read transaction on one of its two connections, and moves it
 * by beginning a new one on the other connection before ending the old one. A WAL can only be
 * restarted or truncated after every frame was checkpointed and no reader uses a read mark above
 * 0; a reader that began while uncopied frames existed holds such a mark, and a reader on mark 0
 * blocks every backfill. After each new read transaction begins, the WAL is copied to its last
 * commit. Hence while the hold is unbroken, a WAL restart or truncation is only ever seen after
 * the previous WAL was copied in full ({@link #continuous()}).
 *
 * <p>Owned by the database's pass strand ({@link Shipping}); only {@link #pinHeader()} is read by
 * the WAL watcher (a volatile snapshot).
 */
final class ReadHold {
  static final int READ_BUSY_TIMEOUT_MS = 100;
  private final Path db;
  private final Path walPath;
  private final Logger log;
  private final String name;
  private final Connection[] conns = new Connection[2];
  private int pin = -1;
  /** Counts the read transactions begun: a different value means a different hold. */
  private long holds;
  private boolean continuous;
  private boolean shippedSinceSwap;
  /** Index of the connection holding the write lock at close, or -1. */
  private int writer = -1;
  /**
   * The WAL header read right after the hold began (empty if there was no WAL header), or null if
   * it could not be read: a different header later means the WAL was restarted under the hold.
   */
  private volatile byte[] pinHeader;

  ReadHold(Path db, Logger log, String name) {
    this.db = db;
    this.walPath = Path.of(db + "-wal");
    this.log = log;
    this.name = name;
  }

  /** Opens the two connections (before anything else: they keep the WAL file alive). */
  void open() throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.resetOpenMode(SQLiteOpenMode.CREATE);
    c.setBusyTimeout(READ_BUSY_TIMEOUT_MS);
    for (int i = 0; i < 2; i++) {
      conns[i] = c.createConnection("jdbc:sqlite:" + db);
    }
  }

  /** A connection for queries outside the hold (journal mode). */
  Connection any() {
    return conns[0];
  }

  boolean opened() {
    return conns[0] != null;
  }

  boolean held() {
    return pin >= 0;
  }

  /** The current hold's number, or -1 when no read transaction is held. */
  long holdId() {
    return pin < 0 ? -1 : holds;
  }

  /** Every frame the current hold could protect is shipped (the backfill reached it): it may move. */
  void markShipped() {
    shippedSinceSwap = true;
  }

  /** True when the hold exists and the last ship under it completed: moving it gains something. */
  boolean readyToMove() {
    return pin >= 0 && shippedSinceSwap;
  }

  /** The connection holding the read transaction. */
  Connection holding() {
    return conns[pin];
  }

  /** The other connection: checkpoints and write locks run on it. */
  Connection spare() {
    return conns[1 - pin];
  }

  /** True once a complete ship under the current hold proved that the WAL is copied in full. */
  boolean continuous() {
    return continuous;
  }

  /** The next restart of the WAL cannot be proven continuous (the hold was broken). */
  void broken() {
    continuous = false;
  }

  byte[] pinHeader() {
    return pinHeader;
  }

  /**
   * A ship under this hold completed (the WAL header did not change during it): the hold may move
   * on, and continuity is proven. Returns true if continuity was not proven before.
   */
  boolean shipCompleted() {
    shippedSinceSwap = true;
    if (!continuous) {
      continuous = true;
      return true;
    }
    return false;
  }

  /** Moves the hold to a new read transaction, unless the last ship did not complete. */
  void swap() {
    if (pin >= 0 && !shippedSinceSwap) {
      return; // the last ship did not complete: keep the hold that protects the unshipped frames
    }
    if (!move() && pin < 0) {
      continuous = false;
    }
  }

  /** Begins a read transaction on the other connection, then ends the current one. */
  boolean move() {
    int next = pin < 0 ? 0 : 1 - pin;
    try {
      beginRead(conns[next]);
    } catch (SQLException e) {
      log.debug("litewake [{}]: cannot begin read transaction ({}); keeping the previous one", name, e.toString());
      return false;
    }
    notePinHeader();
    if (pin >= 0) {
      endTxn(conns[pin]);
    }
    pin = next;
    holds++;
    shippedSinceSwap = false;
    return true;
  }

  /**
   * After our checkpoint under the write lock: ends the holding transaction and begins a new one
   * on the same connection (read mark 0 once the WAL is fully backfilled). Returns false if the
   * new one could not begin: then nothing holds the WAL.
   */
  boolean rebegin(Runnable betweenEndAndBegin) {
    Connection p = conns[pin];
    endTxn(p);
    holds++; // the transaction ended: whatever begins next is another hold
    betweenEndAndBegin.run();
    try {
      beginRead(p);
      notePinHeader();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** The hold is gone: the next pass takes it up again, and continuity must be proven anew. */
  void lost() {
    continuous = false;
    pin = -1;
    holds++;
  }

  /**
   * Moves the hold to a new read transaction right after the application restarted the WAL under
   * the hold whose noted header is {@code held}: a hold on read mark 0 blocks every backfill, and
   * each commit past the auto-checkpoint threshold would then sort the whole WAL for a checkpoint
   * that cannot run. A new read transaction begun now takes a mark above 0. Moving off a mark-0
   * hold is always safe: no frame could be backfilled under it.
   */
  void repinAfterRestart(byte[] held) {
    if (pin < 0 || pinHeader != held) {
      return; // a pass moved the hold meanwhile (each move notes a new header)
    }
    if (move()) {
      log.debug("litewake [{}]: WAL restarted by the application; read transaction moved off read mark 0", name);
    }
  }

  /** Takes the write lock on the spare connection for the final copy at close. */
  boolean lockForClose() {
    if (pin < 0) {
      return false;
    }
    Connection w = conns[1 - pin];
    Hooks.run(Hooks.beforeWriteLock);
    try (Statement s = w.createStatement()) {
      s.execute("PRAGMA busy_timeout=1000");
      s.execute("BEGIN IMMEDIATE");
      writer = 1 - pin;
      return true;
    } catch (SQLException e) {
      log.debug("litewake [{}]: write lock busy at close: {}", name, e.toString());
      return false;
    }
  }

  /**
   * Closes both connections, ending their transactions; the one holding the write lock (at close)
   * closes last, so that no other writer can slip in between our final copy and the checkpoint
   * that a last connection runs when it closes.
   */
  void close() {
    int[] order = writer == 0 ? new int[] {1, 0} : new int[] {0, 1};
    for (int i : order) {
      if (conns[i] != null) {
        if (i != writer) {
          endTxn(conns[i]); // the writer closes inside its transaction: see Continuity.recordCleanClose
        }
        try {
          conns[i].close();
        } catch (SQLException e) {
          log.debug("litewake [{}]: closing connection: {}", name, e.toString());
        }
        conns[i] = null;
      }
    }
    pin = -1;
    writer = -1;
  }

  private void notePinHeader() {
    try {
      pinHeader = readWalHeader(walPath);
    } catch (IOException e) {
      pinHeader = null;
    }
  }

  static void beginRead(Connection c) throws SQLException {
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

  void endTxn(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("COMMIT");
    } catch (SQLException e) {
      log.debug("litewake [{}]: ending transaction: {}", name, e.toString());
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException ignored) {
        // no transaction open
      }
    }
  }

  /** Opens the WAL for reading, or returns null if there is none. The WAL carries no locks. */
  static FileChannel openWal(Path walPath) throws IOException {
    try {
      return FileChannel.open(walPath, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The WAL header bytes (fewer if incomplete, none if there is no WAL). */
  static byte[] readWalHeader(Path walPath) throws IOException {
    try (FileChannel wal = openWal(walPath)) {
      if (wal == null) {
        return new byte[0];
      }
      byte[] hb = new byte[Wal.HEADER_SIZE];
      int n = DbFiles.readFully(wal, ByteBuffer.wrap(hb), 0);
      return n == Wal.HEADER_SIZE ? hb : java.util.Arrays.copyOf(hb, Math.max(0, n));
    }
  }

  /** Reads the WAL header into {@code hb}; null if it is incomplete or not valid. */
  static Wal.Header readHeader(FileChannel wal, byte[] hb) throws IOException {
    if (DbFiles.readFully(wal, ByteBuffer.wrap(hb), 0) < Wal.HEADER_SIZE) {
      return null;
    }
    return Wal.parseHeader(hb);
  }
}
