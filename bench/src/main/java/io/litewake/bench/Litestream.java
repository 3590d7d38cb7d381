package io.litewake.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Litestream v0.3.13 as a sidecar process, installed from npm ({@code @flydotio/litestream-linux-x64
 * @1.0.1}) into {@code bench/target/litestream} unless {@code -Dlitewake.litestream=BIN} or {@code
 * LITESTREAM_BIN} points at a binary.
 */
final class Litestream {
  static final String PACKAGE = "@flydotio/litestream-linux-x64@1.0.1";
  static final String VERSION = "v0.3.13";

  private final Path bin;
  private final Path work;
  private int n;

  Litestream(Path bin, Path work) {
    this.bin = bin;
    this.work = work;
  }

  static Path install() throws IOException, InterruptedException {
    String explicit = System.getProperty("litewake.litestream", System.getenv("LITESTREAM_BIN"));
    Path bin;
    if (explicit != null && !explicit.isBlank()) {
      bin = Path.of(explicit);
    } else {
      Path dir = Path.of(System.getProperty("litewake.litestream.dir", "target/litestream")).toAbsolutePath();
      bin = dir.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");
      if (!Files.isExecutable(bin)) {
        Files.createDirectories(dir);
        List<String> cmd = List.of("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
            "--no-save", "--loglevel=error", PACKAGE);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isExecutable(bin)) {
          throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
      }
    }
    String v = run(List.of(bin.toString(), "version"), 30).trim();
    if (!v.equals(VERSION)) {
      throw new IllegalStateException(bin + " is " + v + ", expected " + VERSION);
    }
    return bin;
  }

  /** Writes a config for one db replicated to {@code s3://bucket/path} at the endpoint. */
  Path config(Path db, int port, String bucket, String path, List<String> dbOptions, List<String> replicaOptions)
      throws IOException {
    StringBuilder y = new StringBuilder("dbs:\n  - path: ").append(db.toAbsolutePath()).append('\n');
    for (String o : dbOptions) {
      y.append("    ").append(o).append('\n');
    }
    y.append("    replicas:\n")
        .append("      - type: s3\n")
        .append("        bucket: ").append(bucket).append('\n')
        .append("        path: ").append(path).append('\n')
        .append("        endpoint: http://127.0.0.1:").append(port).append('\n')
        .append("        region: us-east-1\n")
        .append("        force-path-style: true\n")
        .append("        access-key-id: ").append(S3ProxyProcess.IDENTITY).append('\n')
        .append("        secret-access-key: ").append(S3ProxyProcess.CREDENTIAL).append('\n');
    for (String o : replicaOptions) {
      y.append("        ").append(o).append('\n');
    }
    Path cfg = work.resolve("litestream-" + (++n) + ".yml");
    Files.writeString(cfg, y.toString());
    return cfg;
  }

  Process replicate(Path cfg) throws IOException {
    Path log = work.resolve("replicate-" + (++n) + ".log");
    return new ProcessBuilder(bin.toString(), "replicate", "-config", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: final sync, then exit
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** {@code litestream restore -o out -config cfg db}; returns {wall ms, peak RSS kB}. */
  long[] restore(Path cfg, Path db, Path out) throws IOException, InterruptedException {
    Path log = work.resolve("restore-" + (++n) + ".log");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(bin.toString(), "restore", "-config", cfg.toString(), "-o", out.toString(),
        db.toAbsolutePath().toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long hwm = ProcStatus.watchPeak(p, 600);
    long ms = (System.nanoTime() - t0) / 1_000_000L;
    if (p.exitValue() != 0) {
      throw new IllegalStateException("litestream restore exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
    return new long[] {ms, hwm};
  }

  private static String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
    }
    return out;
  }
}
