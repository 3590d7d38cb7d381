package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.RestorePlan;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the progress display shows: bytes, objects, rate and time left. */
class ProgressTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final String G = "0123456789abcdef";

  static RestorePlan plan() {
    Snapshot s = new Snapshot(G, 0, Compression.ZSTD, 6 << 20, T);
    List<WalSegment> w = List.of(new WalSegment(G, 0, 0, Compression.ZSTD, 2 << 20, T.plusSeconds(1)),
        new WalSegment(G, 0, 4096, Compression.ZSTD, 2 << 20, T.plusSeconds(2)));
    return new RestorePlan(new Generation(G, List.of(s), w, T, T.plusSeconds(2)), s, w, Optional.empty());
  }

  @Test
  void theBarShowsBytesObjectsRateAndEta() {
    StringWriter sw = new StringWriter();
    long[] now = {0};
    try (Progress p = new Progress(new PrintWriter(sw), Progress.Mode.BAR, () -> now[0])) {
      p.planned(plan());
      p.bytesRead(5L << 20);
      p.objectRead("k", 1);
      assertThat(p.line(5L << 20, 1, 2_000_000_000L))
          .isEqualTo("[############............]  50%  5.0 MiB / 10.0 MiB  1/3 objects  2.5 MiB/s  ETA 2.0 s");
      assertThat(p.line(10L << 20, 3, 4_000_000_000L)).endsWith("100%  10.0 MiB / 10.0 MiB  3/3 objects  2.5 MiB/s  done");
      now[0] = 4_000_000_000L;
      p.bytesRead(5L << 20);
      p.finish();
    }
    assertThat(sw.toString()).contains("\r[########################] 100%").endsWith("done\n");
  }

  @Test
  void plainLinesHaveNoBarAndNoneShowsNothing() {
    StringWriter sw = new StringWriter();
    try (Progress p = new Progress(new PrintWriter(sw), Progress.Mode.LINES, () -> 0)) {
      p.planned(plan());
      assertThat(p.line(0, 0, 0)).isEqualTo("  0%  0 B / 10.0 MiB  0/3 objects  0 B/s  ETA ?");
      p.finish();
    }
    assertThat(sw.toString()).as("nothing before the first interval").isEmpty();
    StringWriter none = new StringWriter();
    try (Progress p = new Progress(new PrintWriter(none), Progress.Mode.NONE, () -> 0)) {
      p.planned(plan());
      p.finish();
    }
    assertThat(none.toString()).isEmpty();
  }
}
