package io.litewake.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link Child} in a {@code -Xmx128m} JVM on the benchmark's class path, logging into the
 * work directory (with {@code --jfr}, recording into it), and reads its result line.
 */
final class ChildJvm {
  private final Path work;
  private final boolean jfr;

  ChildJvm(Path work, boolean jfr) {
    this.work = work;
    this.jfr = jfr;
  }

  /** Runs {@link Child} in a -Xmx128m JVM; returns {ms, peak heap bytes, VmHWM kB (polled by us)}. */
  long[] run(List<String> args, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", classpath()));
    if (jfr) {
      cmd.add("-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr") + ",settings=profile");
    }
    String extra = System.getenv("LITEWAKE_BENCH_CHILD_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("io.litewake.bench.Child");
    cmd.addAll(args);
    Path log = work.resolve("child-" + name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long hwm = ProcStatus.watchPeak(p, 900);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || !out.contains("RESULT ")) {
      throw new IllegalStateException("child " + args + " failed (" + p.exitValue() + "):\n" + out);
    }
    String line = out.substring(out.lastIndexOf("RESULT "));
    long ms = Long.parseLong(line.replaceAll("(?s).*ms=(\\d+).*", "$1"));
    long heap = Long.parseLong(line.replaceAll("(?s).*heap=(\\d+).*", "$1"));
    return new long[] {ms, heap, hwm};
  }

  /** The benchmark's class path, under {@code exec:java} (an isolated class loader) as on the command line. */
  static String classpath() {
    List<String> parts = new ArrayList<>();
    ClassLoader cl = ChildJvm.class.getClassLoader();
    if (cl instanceof URLClassLoader u) {
      for (URL url : u.getURLs()) {
        try {
          parts.add(Path.of(url.toURI()).toString());
        } catch (Exception e) {
          parts.add(url.getPath());
        }
      }
    }
    if (parts.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(java.io.File.pathSeparator, parts);
  }
}
