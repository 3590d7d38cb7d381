package io.litewake.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each replica still needs from the spool: one lane per replica, each with its own pending
 * entries and progress, so that an outage, a slow store or a fenced writer on one replica never
 * holds back another. A spooled file is deleted once no lane needs it. With several replicas,
 * each lane's progress is also written to {@code progress/<hash of the location>} (not fsynced:
 * a lost update only means an object is uploaded again, which is harmless), so that a restart
 * does not send a replica what it already has.
 *
 * <p>A lane whose pending WAL passed the spool limit drops it; until that lane has uploaded the
 * snapshot of the new generation, its progress stays where it was before the drop, so that
 * {@code sync()} never counts dropped history as replicated. A lane whose replica was taken over
 * by another writer is retired: it takes nothing more and holds nothing back.
 *
 * <p>Each lane's pending map and byte counts are concurrent structures: its uploader removes what
 * it uploaded, the pass strand adds (inside {@link Spool#add}, before the entry is published) and
 * drops a lane's entries at the spool limit; readers ({@code status()}, {@code sync()}) never wait.
 * A lane's drop barrier and its progress file are guarded by the lane's monitor.
 */
final class Lanes {
  private final Spool spool;
  private final Lane[] lanes;

  private static final class Lane {
    final String location;
    final Path progress;
    final ConcurrentSkipListMap<Long, Spool.Entry> pending = new ConcurrentSkipListMap<>();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong walBytes = new AtomicLong();
    /** After a drop: what the lane really has, until the snapshot {@link #releasedBy} is uploaded. */
    long cap = Long.MAX_VALUE;
    /** The snapshot after the last drop that ends the cap once uploaded, or -1 while none is spooled. */
    long releasedBy = -1;
    volatile boolean retired;
    /** Guards the progress file's writes (the uploader's strand and the pass strand both write it). */
    final Object progressLock = new Object();

    Lane(String location, Path progress) {
      this.location = location;
      this.progress = progress;
    }
  }

  /** Lanes for the replicas at {@code locations}, from the entries of a loaded spool. */
  Lanes(Spool spool, List<String> locations) throws IOException {
    this.spool = spool;
    this.lanes = new Lane[locations.size()];
    Path dir = spool.dir().resolve("progress");
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(locations.get(i), lanes.length > 1 ? dir.resolve(hash(locations.get(i))) : null);
      // a progress past what the spool recorded is from numbers handed out again: ignore it
      long done = Math.min(readProgress(lanes[i]), spool.lastSeq());
      for (Spool.Entry e : spool.pending()) {
        if (e.seq() > done) {
          put(lanes[i], e);
        }
      }
    }
    if (lanes.length > 1) {
      Files.createDirectories(dir);
    }
    // entries every lane already had (uploaded everywhere before a restart) are done
    for (Spool.Entry e : spool.pending()) {
      if (!anyHolds(e)) {
        spool.remove(e);
      }
    }
    spool.onChange(e -> {
      for (Lane l : lanes) {
        if (!l.retired) {
          put(l, e);
        }
      }
    }, e -> {
      for (Lane l : lanes) {
        remove(l, e); // abandoned everywhere (an unrecorded copy dropped after a failed fsync)
      }
    });
  }

  int size() {
    return lanes.length;
  }

  String location(int lane) {
    return lanes[lane].location;
  }

  /** The entries lane {@code lane} still has to upload, oldest first. */
  List<Spool.Entry> pending(int lane) {
    return new ArrayList<>(lanes[lane].pending.values());
  }

  boolean contains(int lane, Spool.Entry e) {
    return lanes[lane].pending.get(e.seq()) == e;
  }

  long pendingBytes(int lane) {
    return lanes[lane].bytes.get();
  }

  /**
   * WAL bytes waiting for lane {@code lane}, without the baseline of a new generation (its snapshot
   * and the WAL as it was then): what the spool limit bounds.
   */
  long pendingWalBytes(int lane) {
    return lanes[lane].walBytes.get();
  }

  /** The oldest entry lane {@code lane} still needs, or null. */
  Spool.Entry oldest(int lane) {
    Map.Entry<Long, Spool.Entry> first = lanes[lane].pending.firstEntry();
    return first == null ? null : first.getValue();
  }

  boolean retired(int lane) {
    return lanes[lane].retired;
  }

  /** The sequence number through which lane {@code lane} has everything (a retired lane: all). */
  long doneThrough(int lane) {
    Lane l = lanes[lane];
    long p = spool.published(); // read first: every entry up to p is in the lane unless done
    Map.Entry<Long, Spool.Entry> first = l.pending.firstEntry();
    long done = first != null && first.getKey() <= p ? first.getKey() - 1 : p;
    if (l.retired) {
      return p;
    }
    synchronized (l) {
      return Math.min(done, l.cap);
    }
  }

  /** Lane {@code lane} has {@code e} now; the file goes once no lane needs it. */
  void done(int lane, Spool.Entry e) throws IOException {
    Lane l = lanes[lane];
    if (remove(l, e)) {
      synchronized (l) {
        if (e.seq() == l.releasedBy) {
          l.cap = Long.MAX_VALUE; // the new generation's snapshot is there: the lane is whole again
          l.releasedBy = -1;
        }
      }
      writeProgress(l, doneThrough(lane));
    }
    if (!anyHolds(e)) {
      spool.remove(e);
    }
  }

  /**
   * Lane {@code lane} gives up everything it had pending (it fell past the spool limit): returns
   * what it dropped; files no other lane needs are deleted. Its progress stays capped until the
   * next snapshot it is given has been uploaded.
   */
  List<Spool.Entry> drop(int lane) {
    Lane l = lanes[lane];
    synchronized (l) {
      l.cap = Math.min(l.cap, doneThroughUncapped(l));
      l.releasedBy = -1;
    }
    List<Spool.Entry> dropped = new ArrayList<>();
    for (Spool.Entry e : l.pending.values()) {
      if (remove(l, e)) {
        dropped.add(e);
      }
    }
    for (Spool.Entry e : dropped) {
      if (!anyHolds(e)) {
        try {
          spool.remove(e);
        } catch (IOException ex) {
          // the file stays until the next start, which may upload it again: harmless
        }
      }
    }
    return dropped;
  }

  /** Lane {@code lane}'s replica was taken over by another writer: it takes and keeps nothing more. */
  void retire(int lane) throws IOException {
    Lane l = lanes[lane];
    l.retired = true;
    List<Spool.Entry> gone = new ArrayList<>();
    for (Spool.Entry e : l.pending.values()) {
      if (remove(l, e)) {
        gone.add(e);
      }
    }
    for (Spool.Entry e : gone) {
      if (!anyHolds(e)) {
        spool.remove(e);
      }
    }
  }

  private long doneThroughUncapped(Lane l) {
    long p = spool.published();
    Map.Entry<Long, Spool.Entry> first = l.pending.firstEntry();
    return first != null && first.getKey() <= p ? first.getKey() - 1 : p;
  }

  private boolean anyHolds(Spool.Entry e) {
    for (Lane l : lanes) {
      if (l.pending.containsKey(e.seq())) {
        return true;
      }
    }
    return false;
  }

  private static void put(Lane l, Spool.Entry e) {
    if (l.pending.putIfAbsent(e.seq(), e) == null) {
      l.bytes.addAndGet(e.size());
      if (!e.baseline()) {
        l.walBytes.addAndGet(e.size());
      }
      if (UploadOrder.isSnapshot(e.key())) {
        synchronized (l) {
          if (l.cap != Long.MAX_VALUE && l.releasedBy < 0) {
            l.releasedBy = e.seq(); // the first snapshot after a drop ends the cap once uploaded
          }
        }
      }
    }
  }

  private static boolean remove(Lane l, Spool.Entry e) {
    if (l.pending.remove(e.seq(), e)) {
      l.bytes.addAndGet(-e.size());
      if (!e.baseline()) {
        l.walBytes.addAndGet(-e.size());
      }
      return true;
    }
    return false;
  }

  private static long readProgress(Lane l) {
    if (l.progress == null) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(l.progress).trim());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      return 0; // unreadable: upload again, which is harmless
    }
  }

  private static void writeProgress(Lane l, long done) {
    if (l.progress == null) {
      return;
    }
    synchronized (l.progressLock) {
      try {
        Path tmp = l.progress.resolveSibling(l.progress.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(done));
        Spool.move(tmp, l.progress);
      } catch (IOException e) {
        // not recorded: the next start uploads these objects to this replica again
      }
    }
  }

  private static String hash(String location) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
