package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a restore reports: a position when it wrote a database, a reason when it did not. */
class RestoreResultTest {
  static final Path DB = Path.of("data/orders.db");
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aRestoredDatabaseHasAPosition() {
    RestoreResult r = RestoreResult.restored(DB, "0123456789abcdef", 2, 3, 4152, T, 8192, 5, 2100,
        Duration.ofMillis(42));
    assertThat(r.restored()).isTrue();
    assertThat(r.skipped()).isEmpty();
    assertThat(r.database()).isEqualTo(DB);
    assertThat(r.generation()).contains("0123456789abcdef");
    assertThat(r.snapshotIndex()).hasValue(2);
    assertThat(r.index()).hasValue(3);
    assertThat(r.offset()).hasValue(4152);
    assertThat(r.pointInTime()).contains(T);
    assertThat(r.databaseBytes()).hasValue(8192);
    assertThat(r.objects()).isEqualTo(5);
    assertThat(r.downloadedBytes()).isEqualTo(2100);
    assertThat(r.elapsed()).isEqualTo(Duration.ofMillis(42));
    assertThat(r).hasToString("RestoreResult[" + DB + ": generation 0123456789abcdef, snapshot index 2, up to index 3"
        + " offset 4152, as of 2026-01-01T00:00:00Z, 8192 bytes, 5 objects (2100 bytes) in 42 ms]");
    assertThat(r).isEqualTo(RestoreResult.restored(DB, "0123456789abcdef", 2, 3, 4152, T, 8192, 5, 2100,
        Duration.ofMillis(42)));
    assertThat(r).hasSameHashCodeAs(RestoreResult.restored(DB, "0123456789abcdef", 2, 3, 4152, T, 8192, 5, 2100,
        Duration.ofMillis(42)));
    assertThat(r).isNotEqualTo(RestoreResult.restored(DB, "0123456789abcdef", 2, 3, 4153, T, 8192, 5, 2100,
        Duration.ofMillis(42)));
  }

  @Test
  void aSkippedRestoreHasAReasonAndNoPosition() {
    for (RestoreResult.SkipReason why : RestoreResult.SkipReason.values()) {
      RestoreResult r = RestoreResult.skipped(DB, why, Duration.ofMillis(3));
      assertThat(r.restored()).isFalse();
      assertThat(r.skipped()).contains(why);
      assertThat(r.generation()).isEmpty();
      assertThat(r.snapshotIndex()).isEmpty();
      assertThat(r.index()).isEmpty();
      assertThat(r.offset()).isEmpty();
      assertThat(r.pointInTime()).isEmpty();
      assertThat(r.databaseBytes()).isEmpty();
      assertThat(r.objects()).isZero();
      assertThat(r.downloadedBytes()).isZero();
      assertThat(r.elapsed()).isEqualTo(Duration.ofMillis(3));
      assertThat(r).isEqualTo(RestoreResult.skipped(DB, why, Duration.ofMillis(3)));
    }
    assertThat(RestoreResult.skipped(DB, RestoreResult.SkipReason.REPLICA_EMPTY, Duration.ZERO))
        .hasToString("RestoreResult[" + DB + ": skipped, the replica is empty (REPLICA_EMPTY)]");
    assertThat(RestoreResult.skipped(DB, RestoreResult.SkipReason.REPLICA_EMPTY, Duration.ZERO))
        .isNotEqualTo(RestoreResult.skipped(DB, RestoreResult.SkipReason.DATABASE_EXISTS, Duration.ZERO));
  }

  @Test
  void invalidResultsAreRefused() {
    assertThatThrownBy(() -> RestoreResult.skipped(DB, null, Duration.ZERO)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> RestoreResult.restored(DB, null, 0, 0, 0, T, 1, 1, 1, Duration.ZERO))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("generation");
    assertThatThrownBy(() -> RestoreResult.restored(DB, "0123456789abcdef", -1, 0, 0, T, 1, 1, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotIndex -1");
  }
}
