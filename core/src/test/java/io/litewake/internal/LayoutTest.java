package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import io.litewake.spi.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key formats and the parsing of listings: the one place both live. */
class LayoutTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String G = "0123456789abcdef";

  private static StoredObject obj(String key, int seconds) {
    return new StoredObject(key, 100 + seconds, T0.plusSeconds(seconds));
  }

  @Test
  void formatsKeysOfBothCodecsWithEightHexDigitsAtLeast() {
    assertThat(Layout.snapshotKey(G, 0, Compression.ZSTD))
        .isEqualTo("generations/0123456789abcdef/snapshots/00000000.snapshot.zst");
    assertThat(Layout.snapshotKey(G, 0x1f, Compression.LZ4))
        .isEqualTo("generations/0123456789abcdef/snapshots/0000001f.snapshot.lz4");
    assertThat(Layout.walKey(G, 2, 0x1038, Compression.ZSTD))
        .isEqualTo("generations/0123456789abcdef/wal/00000002_00001038.wal.zst");
    assertThat(Layout.walKey(G, 0x123456789L, 0xfedcba9876L, Compression.LZ4))
        .isEqualTo("generations/0123456789abcdef/wal/123456789_fedcba9876.wal.lz4");
    assertThat(Layout.generationPrefix(G)).isEqualTo("generations/0123456789abcdef/");
    assertThat(Layout.snapshotsPrefix(G)).isEqualTo("generations/0123456789abcdef/snapshots/");
  }

  @Test
  void parsesSnapshotsAndSegmentsOfBothCodecs() {
    ReplicaContents c = Layout.parse("file:///r", List.of(
        obj("generations/" + G + "/snapshots/00000000.snapshot.zst", 0),
        obj("generations/" + G + "/wal/00000000_00000000.wal.zst", 1),
        obj("generations/" + G + "/wal/00000000_00001038.wal.lz4", 2),
        obj("generations/" + G + "/snapshots/00000001.snapshot.lz4", 3)));
    assertThat(c.location()).isEqualTo("file:///r");
    assertThat(c.ignoredKeys()).isEmpty();
    Generation g = c.generation(G).orElseThrow();
    assertThat(g.snapshots()).containsExactly(
        new Snapshot(G, 0, Compression.ZSTD, 100, T0),
        new Snapshot(G, 1, Compression.LZ4, 103, T0.plusSeconds(3)));
    assertThat(g.walSegments()).containsExactly(
        new WalSegment(G, 0, 0, Compression.ZSTD, 101, T0.plusSeconds(1)),
        new WalSegment(G, 0, 0x1038, Compression.LZ4, 102, T0.plusSeconds(2)));
    assertThat(g.createdAt()).isEqualTo(T0);
    assertThat(g.updatedAt()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void parsesSixteenHexDigitsAndKeysRoundTrip() {
    String snap = "generations/" + G + "/snapshots/00000000000000ff.snapshot.lz4";
    String wal = "generations/" + G + "/wal/0000000100000000_7fffffffffffffff.wal.zst";
    Generation g = Layout.parse("x", List.of(obj(snap, 0), obj(wal, 1))).latest().orElseThrow();
    assertThat(g.snapshots()).singleElement().satisfies(s -> {
      assertThat(s.index()).isEqualTo(0xff);
      assertThat(s.compression()).isEqualTo(Compression.LZ4);
      assertThat(s.key()).isEqualTo("generations/" + G + "/snapshots/000000ff.snapshot.lz4");
    });
    assertThat(g.walSegments()).singleElement().satisfies(w -> {
      assertThat(w.index()).isEqualTo(0x100000000L);
      assertThat(w.offset()).isEqualTo(Long.MAX_VALUE);
      assertThat(w.key()).isEqualTo(wal.replace("0000000100000000", "100000000"));
    });
    // every key the layout formats parses back to the same object
    for (StoredObject o : List.of(obj(Layout.snapshotKey(G, 0x1234567890L, Compression.ZSTD), 0),
        obj(Layout.walKey(G, 7, 0xabcdef0123L, Compression.LZ4), 0))) {
      Generation back = Layout.parse("x", List.of(o)).latest().orElseThrow();
      List<String> keys = back.snapshots().isEmpty()
          ? back.walSegments().stream().map(WalSegment::key).toList()
          : back.snapshots().stream().map(Snapshot::key).toList();
      assertThat(keys).containsExactly(o.key());
    }
  }

  @Test
  void ignoresJunkKeys() {
    List<String> junk = List.of(
        "generations/README.txt",
        "generations/" + G + "/wal/notes.wal.zst",
        "generations/zzzz/snapshots/00000000.snapshot.zst",
        "generations/0123456789ABCDEF/snapshots/00000000.snapshot.zst", // upper-case id
        "generations/0123456789abcde/snapshots/00000000.snapshot.zst", // 15-digit id
        "generations/" + G + "/snapshots/0000000.snapshot.zst", // 7 digits
        "generations/" + G + "/snapshots/00000000000000000.snapshot.zst", // 17 digits
        "generations/" + G + "/snapshots/0000000A.snapshot.zst", // upper-case hex
        "generations/" + G + "/snapshots/00000000.snapshot.gz", // other codec
        "generations/" + G + "/snapshots/00000000.snapshot", // no codec
        "generations/" + G + "/snapshots/00000000.snapshot.zst.tmp",
        "generations/" + G + "/wal/00000000.wal.zst", // no offset
        "generations/" + G + "/wal/00000000-00000000.wal.zst",
        "generations/" + G + "/wal/00000000_00000000.snapshot.zst", // snapshot name under wal/
        "generations/" + G + "/snapshots/00000000_00000000.wal.zst", // WAL name under snapshots/
        "generations/" + G + "/snapshots/8000000000000000.snapshot.zst", // past a signed 64-bit number
        "generations/" + G + "/wal/00000000_ffffffffffffffff.wal.lz4",
        "generations/" + G + "/x/generations/" + G + "/snapshots/00000000.snapshot.zst");
    List<StoredObject> objs = new ArrayList<>();
    junk.forEach(k -> objs.add(obj(k, 5)));
    objs.add(obj("generations/" + G + "/snapshots/00000000.snapshot.zst", 1));
    ReplicaContents c = Layout.parse("x", objs);
    assertThat(c.ignoredKeys()).containsExactlyInAnyOrderElementsOf(junk);
    assertThat(c.ignoredKeys()).isSorted();
    assertThat(c.generations()).singleElement().satisfies(g -> {
      assertThat(g.snapshots()).hasSize(1);
      assertThat(g.walSegments()).isEmpty();
      assertThat(g.updatedAt()).as("junk does not widen the time bounds").isEqualTo(T0.plusSeconds(1));
    });
    assertThat(Layout.parse("x", junk.stream().map(k -> obj(k, 0)).toList()).isEmpty()).isTrue();
  }

  @Test
  void sortsGenerationsByNewestObjectAndObjectsByPosition() {
    String a = "aaaaaaaaaaaaaaaa";
    String b = "bbbbbbbbbbbbbbbb";
    ReplicaContents c = Layout.parse("x", List.of(
        obj(Layout.walKey(a, 1, 0, Compression.ZSTD), 50),
        obj(Layout.walKey(a, 0, 4152, Compression.ZSTD), 40),
        obj(Layout.walKey(a, 0, 0, Compression.ZSTD), 30),
        obj(Layout.snapshotKey(a, 0, Compression.ZSTD), 20),
        obj(Layout.snapshotKey(b, 0, Compression.ZSTD), 10)));
    assertThat(c.generations()).extracting(Generation::id).containsExactly(b, a);
    assertThat(c.latest()).map(Generation::id).contains(a);
    assertThat(c.generation(a).orElseThrow().walSegments())
        .extracting(WalSegment::index, WalSegment::offset)
        .containsExactly(tuple(0L, 0L), tuple(0L, 4152L),
            tuple(1L, 0L));
  }

  @Test
  void recognisesGenerationIds() {
    assertThat(Layout.isGenerationId(G)).isTrue();
    assertThat(Layout.isGenerationId("0123456789ABCDEF")).isFalse();
    assertThat(Layout.isGenerationId("0123456789abcde")).isFalse();
    assertThat(Layout.isGenerationId(null)).isFalse();
  }
}
