package io.litewake.examples.restoreonstartup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litewake.testkit.S3Extension;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service packaged as one fat jar with maven-shade's default settings, which keep only one
 * {@code META-INF/services/io.litewake.spi.ReplicaProvider} (core's): it still replicates to S3
 * and restores from it.
 */
class ShadedJarIT {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  private static Path jar() throws IOException {
    try (var files = Files.list(Path.of("target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-shaded.jar")).findFirst()
          .orElseThrow(() -> new IOException("no shaded jar in target/: run mvn package"));
    }
  }

  private static List<String> run(Path jar, Path db, URI replica) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), db.toString(), replica.toString(), "5");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> out = new ArrayList<>(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the jar finished");
    assertEquals(0, p.exitValue(), () -> "exit code; output: " + out);
    return out;
  }

  @Test
  void theShadedJarReplicatesToS3AndRestoresFromIt() throws Exception {
    Path jar = jar();
    try (JarFile j = new JarFile(jar.toFile())) {
      String services = new String(j.getInputStream(j.getEntry("META-INF/services/io.litewake.spi.ReplicaProvider"))
          .readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(!services.contains("S3ReplicaProvider"), "the shade merge kept only one services file: " + services);
    }
    URI replica = s3.uri("shaded");
    Path db = dir.resolve("data/orders.db");
    List<String> first = run(jar, db, replica);
    assertTrue(first.stream().anyMatch(l -> l.startsWith("boot: nothing restored")), first::toString);
    assertTrue(first.contains("5 orders, all in the replica"), first::toString);

    Files.walk(db.getParent()).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    List<String> second = run(jar, db, replica);
    assertTrue(second.stream().anyMatch(l -> l.startsWith("boot: restored generation")), second::toString);
    assertTrue(second.contains("10 orders, all in the replica"), second::toString);
  }
}
