package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.testsupport.S3Servers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite database over 500 MB replicates (multipart snapshot upload) and restores (parallel
 * ranged downloads) through the public API in a JVM limited to 128 MiB of heap.
 */
class BigDatabaseTest {
  @TempDir Path tmp;

  @Test
  void fiveHundredMegabyteDatabaseRoundTripUnderXmx128m() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("child.log");
    Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        BigDatabaseRoundTrip.class.getName(), S3Servers.S3PROXY.newReplicaUri().toString(), tmp.toString(), "510"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(8, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(done).as("child finished in time; output:\n" + out).isTrue();
    assertThat(p.exitValue()).as("child exit code; output:\n" + out).isZero();
    assertThat(out).containsPattern("RESULT db_mb=5\\d\\d ").contains("max_heap_mb=12");
  }
}
