package io.litewake.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code litestream} binary: {@code replicate} in the background, {@code restore}. */
final class Litestream {
  private final Path bin;
  private final Path work;
  private int runs;

  /**
   * @param bin the litestream binary
   * @param work a directory for config files and logs
   */
  Litestream(Path bin, Path work) {
    this.bin = bin;
    this.work = work;
  }

  /** Writes a config replicating {@code db} to the replica described by {@code replicaYaml}. */
  Path config(Path db, String replicaYaml, String... dbOptions) throws IOException {
    StringBuilder y = new StringBuilder("dbs:\n  - path: ").append(db).append('\n');
    for (String o : dbOptions) {
      y.append("    ").append(o).append('\n');
    }
    y.append("    replicas:\n");
    for (String line : replicaYaml.split("\n")) {
      y.append("      ").append(line).append('\n');
    }
    Path cfg = work.resolve("litestream-" + (++runs) + ".yml");
    Files.writeString(cfg, y.toString());
    return cfg;
  }

  /** {@code litestream replicate -config cfg} as a child process. */
  Replicating replicate(Path cfg) throws IOException {
    Path log = work.resolve("replicate-" + (++runs) + ".log");
    Process p = new ProcessBuilder(bin.toString(), "replicate", "-config", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Replicating(p, log);
  }

  /** {@code litestream restore -config cfg -o out [args] db}; fails with the output on a non-zero exit. */
  String restore(Path cfg, Path db, Path out, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "restore", "-config", cfg.toString(), "-o", out.toString()));
    cmd.addAll(List.of(args));
    cmd.add(db.toString());
    return run(cmd);
  }

  /** {@code litestream restore -o out [args] url}. */
  String restoreUrl(String url, Path out, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "restore", "-o", out.toString()));
    cmd.addAll(List.of(args));
    cmd.add(url);
    return run(cmd);
  }

  /** {@code litestream generations -config cfg db}: the tool's own view of the replica. */
  String generations(Path cfg, Path db) throws IOException, InterruptedException {
    return run(List.of(bin.toString(), "generations", "-config", cfg.toString(), db.toString()));
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s:\n" + out);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  /** Formats an instant as {@code -timestamp} takes it (RFC 3339, fractional seconds allowed). */
  static String timestamp(Instant t) {
    return t.toString();
  }

  /** A running {@code litestream replicate}. */
  static final class Replicating implements AutoCloseable {
    private final Process process;
    private final Path log;

    Replicating(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    /** The process output so far. */
    String log() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    /** Fails if the process died. */
    void assertAlive() {
      if (!process.isAlive()) {
        throw new AssertionError("litestream replicate exited with " + process.exitValue() + ":\n" + log());
      }
    }

    /** Sends SIGTERM and waits for the exit; litestream then does a final sync. */
    void stop() throws InterruptedException {
      assertAlive();
      process.destroy(); // SIGTERM on Unix
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("litestream replicate did not stop within 30 s of SIGTERM:\n" + log());
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
