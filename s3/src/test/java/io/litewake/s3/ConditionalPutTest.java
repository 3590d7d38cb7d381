package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testsupport.S3Servers;
import io.litewake.spi.StoredObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * putIfAbsent sends If-None-Match: *. S3Proxy honours it (a second put of the key is refused and
 * the first content stays); s3mock ignores it (the put overwrites) — Litewake's writer claim
 * fences a second writer there.
 */
class ConditionalPutTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void putIfAbsentKeepsTheFirstObjectWhereTheStoreSupportsIt(S3Servers backend) throws Exception {
    Path first = Files.writeString(dir.resolve("first"), "first");
    Path second = Files.writeString(dir.resolve("second"), "second, different");
    String key = "generations/0000000000000001/wal/00000000_00000000.wal.zst";
    try (S3Replica r = S3Replica.fromUri(backend.newReplicaUri()).build()) {
      StoredObject stored = r.putIfAbsent(key, first);
      assertThat(stored).isNotNull();
      assertThat(stored.size()).isEqualTo(5);
      StoredObject again = r.putIfAbsent(key, second);
      String content;
      try (InputStream in = r.open(key)) {
        content = new String(in.readAllBytes());
      }
      if (backend == S3Servers.S3PROXY) {
        assertThat(again).as("S3Proxy refuses the second conditional put").isNull();
        assertThat(content).isEqualTo("first");
      } else {
        assertThat(again).as("s3mock ignores If-None-Match").isNotNull();
        assertThat(content).isEqualTo("second, different");
      }
    }
  }
}
