package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sizes, durations and indexes for people; secrets masked in everything printed. */
class TextTest {
  @Test
  void secretsAreMaskedAlsoWhenQuotedWithoutTheirName() {
    Text.rememberSecrets("list", "s3://b/p?access-key=AKIATESTKEY&secret-access-key=s3cr%2Bt-value");
    assertThat(Text.mask("s3://b/p?endpoint=http://h:1&access-key=AKIATESTKEY&secret-access-key=s3cr%2Bt-value"))
        .isEqualTo("s3://b/p?endpoint=http://h:1&access-key=****&secret-access-key=****");
    assertThat(Text.mask("the key s3cr+t-value was refused for AKIATESTKEY")).isEqualTo("the key **** was refused for ****");
    assertThat(Text.mask("http://user:pass@host/x")).isEqualTo("http://****@host/x");
  }

  @Test
  void sizesDurationsAndIndexes() {
    assertThat(Text.bytes(512)).isEqualTo("512 B");
    assertThat(Text.bytes(4096)).isEqualTo("4.0 KiB");
    assertThat(Text.bytes(123L << 20)).isEqualTo("123 MiB");
    assertThat(Text.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
    assertThat(Text.duration(Duration.ofMillis(4200))).isEqualTo("4.2 s");
    assertThat(Text.duration(Duration.ofSeconds(185))).isEqualTo("3 min 05 s");
    assertThat(Text.duration(Duration.ofMinutes(127))).isEqualTo("2 h 07 min");
    assertThat(Text.hex(26)).isEqualTo("0000001a");
    assertThat(Text.oneLine("a\n  b\r\nc ")).isEqualTo("a b c");
  }
}
