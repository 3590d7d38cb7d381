package io.litewake.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadOrderTest {
  static Spool.Entry e(long seq, String key) {
    return new Spool.Entry(seq, key, Path.of("x"), 1);
  }

  @Test
  void aSnapshotWaitsForTheWalOfItsGenerationAtOrBelowItsIndex() {
    String g = "generations/1a1fe6b00007b33a/";
    List<Spool.Entry> in = List.of(
        e(1, g + "snapshots/00000000.snapshot.zst"),
        e(2, g + "wal/00000000_00000000.wal.zst"),
        e(3, "generations/00000000000000aa/wal/00000000_00000000.wal.zst"),
        e(4, g + "wal/00000001_00000000.wal.zst"));
    assertThat(UploadOrder.snapshotsAfterTheirWal(in)).extracting(Spool.Entry::seq).containsExactly(2L, 3L, 4L, 1L);
    // a snapshot at index 1 does not wait for WAL of index 2, nor for older entries
    List<Spool.Entry> ok = List.of(
        e(1, g + "wal/00000000_00000000.wal.zst"),
        e(2, g + "snapshots/00000001.snapshot.zst"),
        e(3, g + "wal/00000002_00000000.wal.zst"));
    assertThat(UploadOrder.snapshotsAfterTheirWal(ok)).extracting(Spool.Entry::seq).containsExactly(1L, 2L, 3L);
  }
}
