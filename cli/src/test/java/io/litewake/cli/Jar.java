package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code litewake.jar} as a child process, as an operator would. */
final class Jar {
  private Jar() {}

  /** What a run printed and returned. */
  record Run(int code, String out, String err, Duration took) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
      return "exit " + code + " in " + took.toMillis() + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** The jar the build made ({@code litewake.cli.jar}, set by failsafe). */
  static Path path() {
    Path jar = Path.of(System.getProperty("litewake.cli.jar", "target/litewake.jar"));
    assertThat(jar).as("the executable jar (mvn package builds it)").isRegularFile();
    return jar;
  }

  /** The command line of a run, without starting it. */
  static ProcessBuilder command(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", path().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return pb;
  }

  /** Runs to the end (at most two minutes) and checks that no secret was printed. */
  static Run run(Path dir, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    long t0 = System.nanoTime();
    Process p = command(dir, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("litewake " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t0));
    Files.delete(out);
    Files.delete(err);
    noSecretIn(r);
    return r;
  }

  private static final List<String> SECRETS = new ArrayList<>();

  /** A value that must never appear in any output. */
  static synchronized void secret(String value) {
    SECRETS.add(value);
  }

  static synchronized void noSecretIn(Run r) {
    for (String s : SECRETS) {
      assertThat(r.out + r.err).as("no secret printed").doesNotContain(s);
    }
  }
}
