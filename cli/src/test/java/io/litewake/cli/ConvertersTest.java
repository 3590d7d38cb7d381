package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The value types of the command line: what they accept, and what they say when they refuse. */
class ConvertersTest {
  @Test
  void durationsInGoFormAndIso() {
    assertThat(Converters.parseDuration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(Converters.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Converters.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Converters.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Converters.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Converters.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Converters.parseDuration("PT10S")).isEqualTo(Duration.ofSeconds(10));
    for (String bad : new String[] {"", "10", "1x", "s", "1s2", "PTx"}) {
      assertThatThrownBy(() -> Converters.parseDuration(bad)).as(bad).isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("is not a duration; use 500ms, 1s");
    }
  }

  @Test
  void timestampsInRfc3339() {
    Converters.Timestamp t = new Converters.Timestamp();
    assertThat(t.convert("2026-11-20T10:15:00Z")).isEqualTo(Instant.parse("2026-11-20T10:15:00Z"));
    assertThat(t.convert("2026-11-20T11:15:00.5+01:00")).isEqualTo(Instant.parse("2026-11-20T10:15:00.5Z"));
    assertThatThrownBy(() -> t.convert("yesterday")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("RFC 3339");
  }

  @Test
  void walIndexesInHexAsLitestreamTakesThem() {
    Converters.HexIndex h = new Converters.HexIndex();
    assertThat(h.convert("0000001a")).isEqualTo(26L);
    assertThat(h.convert("10")).isEqualTo(16L);
    assertThat(h.convert("0x1A")).isEqualTo(26L);
    assertThatThrownBy(() -> h.convert("-1")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("hexadecimal");
    assertThatThrownBy(() -> h.convert("xyz")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void sizesInBinaryUnits() {
    Converters.ByteSize b = new Converters.ByteSize();
    assertThat(b.convert("1024")).isEqualTo(1024L);
    assertThat(b.convert("512MiB")).isEqualTo(512L << 20);
    assertThat(b.convert("1G")).isEqualTo(1L << 30);
    assertThat(b.convert("2 kb")).isEqualTo(2048L);
    assertThatThrownBy(() -> b.convert("lots")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("512MiB");
  }

  @Test
  void replicaUrisAreCheckedWithoutARequestAndSecretsNeverShow() {
    Converters.ReplicaUri u = new Converters.ReplicaUri();
    assertThat(u.convert("s3://bucket/apps/orders?region=eu-west-1")).isEqualTo(URI.create("s3://bucket/apps/orders?region=eu-west-1"));
    assertThat(u.convert("file:///var/backups/app")).isEqualTo(URI.create("file:///var/backups/app"));
    assertThatThrownBy(() -> u.convert("s3://bu cket/x?secret-access-key=hunter2hunter2"))
        .isInstanceOf(TypeConversionException.class).hasMessageContaining("is not a URI")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> u.convert("s3://b/p?colour=blue&secret-access-key=hunter2hunter2&access-key=AKIAEXAMPLE"))
        .isInstanceOf(TypeConversionException.class).hasMessageContaining("colour")
        .hasMessageNotContaining("hunter2").hasMessageNotContaining("AKIAEXAMPLE");
    assertThatThrownBy(() -> u.convert("bucket/prefix")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("has no scheme");
    assertThatThrownBy(() -> u.convert("gs://bucket/prefix")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("unknown replica scheme 'gs'");
    assertThatThrownBy(() -> u.convert("file:relative/dir")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("file:///ABSOLUTE/DIR");
  }
}
