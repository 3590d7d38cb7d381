package io.litewake.cli;

import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code list} shows of a {@link ReplicaContents}: per generation its state (latest, fenced),
 * snapshots, WAL ranges (one per WAL index) and restorable time window, then the objects outside
 * the layout; as a table or as JSON. Immutable.
 */
final class ContentsView {

  /** The WAL segments of one WAL index of a generation. */
  record WalRange(long index, int segments, long firstOffset, long lastOffset, long bytes, Instant from, Instant to) {}

  /** A time window a restore can reach. */
  record Window(Instant from, Instant to) {}

  private final ReplicaContents contents;
  private final Optional<Generation> latest;

  ContentsView(ReplicaContents contents) {
    this.contents = contents;
    this.latest = latestRestorable(contents);
  }

  /** The generation a restore of the latest state uses: as the restore planner chooses it. */
  static Optional<Generation> latestRestorable(ReplicaContents c) {
    List<Generation> withSnapshot = c.generations().stream().filter(g -> !g.snapshots().isEmpty()).toList();
    List<Generation> live = withSnapshot.stream().filter(g -> !g.fenced()).toList();
    List<Generation> from = live.isEmpty() ? withSnapshot : live;
    return from.isEmpty() ? Optional.empty() : Optional.of(from.get(from.size() - 1));
  }

  /** The window of a generation: from its oldest snapshot to its newest object; empty without snapshot. */
  static Optional<Window> window(Generation g) {
    return g.snapshots().stream().map(Snapshot::createdAt).min(Comparator.naturalOrder())
        .map(from -> new Window(from, g.updatedAt()));
  }

  /** The replica's window: from the oldest snapshot of any generation to the end of the latest one. */
  Optional<Window> window() {
    Optional<Instant> from = contents.generations().stream().flatMap(g -> g.snapshots().stream())
        .map(Snapshot::createdAt).min(Comparator.naturalOrder());
    return latest.flatMap(l -> from.map(f -> new Window(f, l.updatedAt())));
  }

  static List<WalRange> walRanges(Generation g) {
    Map<Long, List<WalSegment>> byIndex = new LinkedHashMap<>();
    for (WalSegment w : g.walSegments()) {
      byIndex.computeIfAbsent(w.index(), k -> new ArrayList<>()).add(w);
    }
    List<WalRange> out = new ArrayList<>();
    byIndex.forEach((index, ws) -> out.add(new WalRange(index, ws.size(), ws.get(0).offset(),
        ws.get(ws.size() - 1).offset(), ws.stream().mapToLong(WalSegment::size).sum(),
        ws.stream().map(WalSegment::createdAt).min(Comparator.naturalOrder()).orElseThrow(),
        ws.stream().map(WalSegment::createdAt).max(Comparator.naturalOrder()).orElseThrow())));
    return out;
  }

  static long bytes(Generation g) {
    return g.snapshots().stream().mapToLong(Snapshot::size).sum() + g.walSegments().stream().mapToLong(WalSegment::size).sum();
  }

  private String state(Generation g) {
    List<String> s = new ArrayList<>();
    if (latest.isPresent() && latest.get().id().equals(g.id())) {
      s.add("latest");
    }
    if (g.fenced()) {
      s.add("fenced");
    }
    if (g.snapshots().isEmpty()) {
      s.add("no-snapshot");
    }
    return s.isEmpty() ? "-" : String.join(",", s);
  }

  /** The table. */
  void printTable(PrintWriter out) {
    out.println("replica     " + Text.mask(contents.location()));
    if (contents.isEmpty()) {
      out.println("empty: no generation");
    } else {
      out.println("restorable  " + window().map(w -> Text.time(w.from()) + " to " + Text.time(w.to())
          + " (latest: generation " + latest.get().id() + ")").orElse("nothing: no generation has a snapshot"));
    }
    contents.claimedGeneration().ifPresent(c -> out.println("claimed by  generation " + c
        + " (litewake/writer.properties: the live writer)"));
    if (!contents.isEmpty()) {
      out.println();
      String fmt = "%-16s  %-18s  %-24s  %-24s  %9s  %12s  %10s%n";
      out.printf(fmt, "GENERATION", "STATE", "CREATED", "UPDATED", "SNAPSHOTS", "WAL SEGMENTS", "SIZE");
      for (Generation g : contents.generations()) {
        out.printf(fmt, g.id(), state(g), Text.time(g.createdAt()), Text.time(g.updatedAt()), g.snapshots().size(),
            g.walSegments().size(), Text.bytes(bytes(g)));
      }
      for (Generation g : contents.generations()) {
        out.println();
        out.println("generation " + g.id() + " (" + state(g) + ")");
        out.println("  restorable  " + window(g).map(w -> Text.time(w.from()) + " to " + Text.time(w.to()))
            .orElse("no: it has no snapshot"));
        for (Snapshot s : g.snapshots()) {
          out.printf("  snapshot    index %s  %10s  %s  %s%n", Text.hex(s.index()), Text.bytes(s.size()),
              Text.time(s.createdAt()), s.key());
        }
        for (WalRange r : walRanges(g)) {
          out.printf("  wal         index %s  %10s  %s to %s  %d segment%s, offsets %s-%s%n", Text.hex(r.index()),
              Text.bytes(r.bytes()), Text.time(r.from()), Text.time(r.to()), r.segments(),
              r.segments() == 1 ? "" : "s", Text.hex(r.firstOffset()), Text.hex(r.lastOffset()));
        }
      }
    }
    if (!contents.ignoredKeys().isEmpty()) {
      out.println();
      out.println("foreign objects (" + contents.ignoredKeys().size()
          + ", not in the layout: ignored by restores, never deleted):");
      for (String k : contents.ignoredKeys()) {
        out.println("  " + k);
      }
    }
  }

  /** The JSON document. */
  String json() {
    Json j = new Json().beginObject();
    j.member("location", Text.mask(contents.location()));
    j.member("latest", latest.map(Generation::id).orElse(null));
    j.member("claimedGeneration", contents.claimedGeneration().orElse(null));
    window(j, "restorable", window());
    j.name("generations").beginArray();
    for (Generation g : contents.generations()) {
      j.beginObject().member("id", g.id())
          .member("latest", latest.isPresent() && latest.get().id().equals(g.id()))
          .member("fenced", g.fenced())
          .member("createdAt", g.createdAt().toString())
          .member("updatedAt", g.updatedAt().toString());
      window(j, "restorable", window(g));
      j.member("bytes", bytes(g));
      j.name("snapshots").beginArray();
      for (Snapshot s : g.snapshots()) {
        j.beginObject().member("index", s.index()).member("key", s.key()).member("size", s.size())
            .member("compression", s.compression().name().toLowerCase(java.util.Locale.ROOT))
            .member("createdAt", s.createdAt().toString()).endObject();
      }
      j.endArray();
      j.name("wal").beginArray();
      for (WalRange r : walRanges(g)) {
        j.beginObject().member("index", r.index()).member("segments", r.segments())
            .member("firstOffset", r.firstOffset()).member("lastOffset", r.lastOffset()).member("bytes", r.bytes())
            .member("from", r.from().toString()).member("to", r.to().toString()).endObject();
      }
      j.endArray();
      j.endObject();
    }
    j.endArray();
    j.name("ignoredKeys").beginArray();
    for (String k : contents.ignoredKeys()) {
      j.value(k);
    }
    j.endArray();
    return j.endObject().toString();
  }

  private static void window(Json j, String name, Optional<Window> w) {
    j.name(name);
    if (w.isEmpty()) {
      j.value((String) null);
    } else {
      j.beginObject().member("from", w.get().from().toString()).member("to", w.get().to().toString()).endObject();
    }
  }
}
