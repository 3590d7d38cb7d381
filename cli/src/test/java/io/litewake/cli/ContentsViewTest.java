package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Snapshot;
import io.litewake.WalSegment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What list shows: the latest generation as a restore picks it, fencing, windows, foreign objects. */
class ContentsViewTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final String OLD = "00000000000000aa";
  static final String NEW = "00000000000000bb";
  static final String LATE = "00000000000000cc";

  static ReplicaContents contents() {
    Snapshot s1 = new Snapshot(OLD, 0, Compression.LZ4, 100, T);
    List<WalSegment> w1 = List.of(new WalSegment(OLD, 0, 0, Compression.LZ4, 10, T.plusSeconds(1)),
        new WalSegment(OLD, 0, 4152, Compression.LZ4, 10, T.plusSeconds(2)),
        new WalSegment(OLD, 1, 0, Compression.LZ4, 10, T.plusSeconds(300)));
    Generation old = new Generation(OLD, List.of(s1), w1, T, T.plusSeconds(300), true);
    Snapshot s2 = new Snapshot(NEW, 0, Compression.ZSTD, 200, T.plusSeconds(100));
    Generation fresh = new Generation(NEW, List.of(s2), List.of(), T.plusSeconds(100), T.plusSeconds(100));
    Generation noSnapshot = new Generation(LATE, List.of(),
        List.of(new WalSegment(LATE, 0, 0, Compression.ZSTD, 5, T.plusSeconds(400))), T.plusSeconds(400),
        T.plusSeconds(400));
    return new ReplicaContents("s3://b/p?access-key=****", List.of(fresh, old, noSnapshot),
        List.of("generations/junk.txt"), Optional.of(NEW));
  }

  @Test
  void theJsonNamesTheLatestGenerationAsARestoreChoosesIt() throws Exception {
    JsonNode j = new ObjectMapper().readTree(new ContentsView(contents()).json());
    assertThat(j.get("latest").asText()).isEqualTo(NEW);
    assertThat(j.get("claimedGeneration").asText()).isEqualTo(NEW);
    assertThat(j.get("restorable").get("from").asText()).isEqualTo(T.toString());
    assertThat(j.get("restorable").get("to").asText()).isEqualTo(T.plusSeconds(100).toString());
    JsonNode old = j.get("generations").get(1);
    assertThat(old.get("fenced").asBoolean()).isTrue();
    assertThat(old.get("latest").asBoolean()).isFalse();
    assertThat(old.get("wal")).hasSize(2);
    assertThat(old.get("wal").get(0).get("segments").asInt()).isEqualTo(2);
    assertThat(old.get("wal").get(0).get("lastOffset").asLong()).isEqualTo(4152);
    assertThat(old.get("snapshots").get(0).get("key").asText()).isEqualTo("generations/" + OLD + "/snapshots/00000000.snapshot.lz4");
    assertThat(j.get("generations").get(2).get("restorable").isNull()).isTrue();
    assertThat(j.get("ignoredKeys").get(0).asText()).isEqualTo("generations/junk.txt");
  }

  @Test
  void theTableShowsStatesWindowsAndForeignObjects() {
    StringWriter sw = new StringWriter();
    new ContentsView(contents()).printTable(new PrintWriter(sw, true));
    String t = sw.toString();
    assertThat(t).contains("restorable  2026-01-01T00:00:00Z to 2026-01-01T00:01:40Z (latest: generation " + NEW + ")",
        "claimed by  generation " + NEW, "fenced", "no-snapshot", "index 00000001", "offsets 00000000-00001038",
        "foreign objects (1", "generations/junk.txt");
  }
}
