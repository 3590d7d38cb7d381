package io.litewake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** What a replica holds, read from the loopback S3 server's files (the rig's and the probes'). Stateless. */
final class ReplicaFiles {
  private ReplicaFiles() {}

  /**
   * Objects under {@code root} whose path contains {@code dir} ({@code "/snapshots/"}, {@code
   * "/wal/"}); 0 while the directory does not exist or changes under the walk (the next poll retries).
   */
  static long count(Path root, String dir) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().contains(dir) && Files.isRegularFile(p)).count();
    } catch (java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** Snapshots and WAL objects under {@code root}: how many, how large. */
  static String shape(Path root) throws IOException {
    long snaps = 0;
    long snapBytes = 0;
    long wal = 0;
    long walBytes = 0;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (p.toString().contains("/snapshots/")) {
          snaps++;
          snapBytes += Files.size(p);
        } else if (p.toString().contains("/wal/")) {
          wal++;
          walBytes += Files.size(p);
        }
      }
    }
    return String.format(Locale.ROOT, "%d snapshot %.1f MB + %d WAL objects %.1f MB", snaps, snapBytes / 1e6, wal,
        walBytes / 1e6);
  }
}
