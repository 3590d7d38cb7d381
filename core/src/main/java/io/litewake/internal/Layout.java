package io.litewake.internal;

import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import io.litewake.spi.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Litestream v0.3 replica layout: key formats and parsing of a listing. */
public final class Layout {
  /** Prefix of every object of the layout. */
  public static final String GENERATIONS = "generations/";

  private static final Pattern GENERATION_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern SNAPSHOT =
      Pattern.compile("generations/([0-9a-f]{16})/snapshots/([0-9a-f]{8,16})\\.snapshot\\.(lz4|zst)");
  private static final Pattern WAL =
      Pattern.compile("generations/([0-9a-f]{16})/wal/([0-9a-f]{8,16})_([0-9a-f]{8,16})\\.wal\\.(lz4|zst)");

  private Layout() {}

  /** True if {@code id} is a well-formed generation id. */
  public static boolean isGenerationId(String id) {
    return id != null && GENERATION_ID.matcher(id).matches();
  }

  /** The key of a snapshot of WAL {@code index} of {@code generation}. */
  public static String snapshotKey(String generation, long index, Compression compression) {
    return String.format("%s%s/snapshots/%08x.snapshot.%s", GENERATIONS, generation, index, compression.extension());
  }

  /** The key of the WAL segment of WAL {@code index} of {@code generation} starting at {@code offset}. */
  public static String walKey(String generation, long index, long offset, Compression compression) {
    return String.format("%s%s/wal/%08x_%08x.wal.%s", GENERATIONS, generation, index, offset, compression.extension());
  }

  /** The prefix of a generation's objects, ending in {@code /}. */
  public static String generationPrefix(String generation) {
    return GENERATIONS + generation + "/";
  }

  /** The prefix of a generation's snapshots, ending in {@code /}. */
  public static String snapshotsPrefix(String generation) {
    return generationPrefix(generation) + "snapshots/";
  }

  /**
   * Parses a listing into generations; objects outside the layout go to the ignored list, and so
   * do keys whose index or offset does not fit in a signed 64-bit number.
   */
  public static ReplicaContents parse(String location, List<StoredObject> objects) {
    return parse(location, objects, java.util.Optional.empty());
  }

  /**
   * Parses a listing into generations and marks as fenced every generation that began before the
   * one the writer claim names (when that one is listed): another writer took over after it began.
   */
  public static ReplicaContents parse(String location, List<StoredObject> objects, java.util.Optional<String> claimed) {
    Map<String, List<Snapshot>> snaps = new TreeMap<>();
    Map<String, List<WalSegment>> wals = new TreeMap<>();
    Map<String, Instant[]> bounds = new TreeMap<>();
    List<String> ignored = new ArrayList<>();
    for (StoredObject o : objects) {
      Matcher m = SNAPSHOT.matcher(o.key());
      if (m.matches() && hex(m.group(2)) >= 0) {
        Snapshot s = new Snapshot(m.group(1), hex(m.group(2)),
            Compression.forExtension(m.group(3)), o.size(), o.lastModified());
        snaps.computeIfAbsent(s.generation(), k -> new ArrayList<>()).add(s);
        widen(bounds, s.generation(), o.lastModified());
        continue;
      }
      m = WAL.matcher(o.key());
      if (m.matches() && hex(m.group(2)) >= 0 && hex(m.group(3)) >= 0) {
        WalSegment w = new WalSegment(m.group(1), hex(m.group(2)), hex(m.group(3)),
            Compression.forExtension(m.group(4)), o.size(), o.lastModified());
        wals.computeIfAbsent(w.generation(), k -> new ArrayList<>()).add(w);
        widen(bounds, w.generation(), o.lastModified());
        continue;
      }
      ignored.add(o.key());
    }
    List<Generation> gens = new ArrayList<>();
    for (Map.Entry<String, Instant[]> e : bounds.entrySet()) {
      List<Snapshot> s = new ArrayList<>(snaps.getOrDefault(e.getKey(), List.of()));
      s.sort(Comparator.comparingLong(Snapshot::index).thenComparing(Snapshot::createdAt));
      List<WalSegment> w = new ArrayList<>(wals.getOrDefault(e.getKey(), List.of()));
      w.sort(Comparator.comparingLong(WalSegment::index).thenComparingLong(WalSegment::offset));
      gens.add(new Generation(e.getKey(), s, w, e.getValue()[0], e.getValue()[1]));
    }
    gens.sort(Comparator.comparing(Generation::updatedAt).thenComparing(Generation::id));
    ignored.sort(null);
    Instant takeover = claimed.flatMap(id -> gens.stream().filter(g -> g.id().equals(id)).findFirst())
        .map(Generation::createdAt).orElse(null);
    if (takeover != null) {
      gens.replaceAll(g -> g.id().equals(claimed.get()) || !g.createdAt().isBefore(takeover) ? g
          : new Generation(g.id(), g.snapshots(), g.walSegments(), g.createdAt(), g.updatedAt(), true));
    }
    return new ReplicaContents(location, gens, ignored, claimed);
  }

  /** Parses 8 to 16 hex digits; -1 when the value does not fit in a signed 64-bit number. */
  private static long hex(String digits) {
    long v = Long.parseUnsignedLong(digits, 16);
    return v < 0 ? -1 : v;
  }

  private static void widen(Map<String, Instant[]> bounds, String gen, Instant t) {
    Instant[] b = bounds.computeIfAbsent(gen, k -> new Instant[] {t, t});
    if (t.isBefore(b[0])) {
      b[0] = t;
    }
    if (t.isAfter(b[1])) {
      b[1] = t;
    }
  }
}
