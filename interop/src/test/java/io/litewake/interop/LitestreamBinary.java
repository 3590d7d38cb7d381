package io.litewake.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Finds the real Litestream v0.3.13 binary, installing it from the npm registry when missing.
 *
 * <p>Where it looks, in order: the system property {@code litewake.litestream} or the environment
 * variable {@code LITESTREAM_BIN} (a binary path, used as is); then
 * {@code <dir>/node_modules/@flydotio/litestream-linux-x64/litestream} with {@code <dir>} the system
 * property {@code litewake.litestream.dir} (the build sets {@code interop/target/litestream}). When
 * the file is not there it runs {@code npm install --prefix <dir> @flydotio/litestream-linux-x64@1.0.1}.
 * If {@code npm} is not on the PATH the calling test is skipped (an assumption, with the reason);
 * every other problem (install failure, wrong version) fails the test.
 */
public final class LitestreamBinary {
  public static final String PACKAGE = "@flydotio/litestream-linux-x64";
  public static final String PACKAGE_VERSION = "1.0.1";
  public static final String VERSION = "v0.3.13";

  private static Path cached;

  private LitestreamBinary() {}

  /** The binary, installed if needed; skips the calling test only when npm is absent. */
  public static synchronized Path require() throws IOException, InterruptedException {
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
    String version = version(bin);
    if (!VERSION.equals(version)) {
      throw new IllegalStateException(bin + " reports version '" + version + "', expected " + VERSION
          + "; remove it so that the tests reinstall " + PACKAGE + "@" + PACKAGE_VERSION);
    }
    cached = bin;
    return bin;
  }

  private static void install(Path dir, Path bin) throws IOException, InterruptedException {
    String npm = onPath("npm");
    assumeTrue(npm != null, "npm is not on the PATH, so the Litestream " + VERSION + " binary cannot be installed"
        + " from the npm registry (" + PACKAGE + "@" + PACKAGE_VERSION + "): the Litestream interop tests are"
        + " skipped. Install Node.js/npm, or point -Dlitewake.litestream (or LITESTREAM_BIN) at a litestream "
        + VERSION + " binary.");
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

  private static String version(Path bin) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(bin.toString(), "version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(bin + " version did not finish");
    }
    return out;
  }

  private static String onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    List<String> found = new ArrayList<>();
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
        found.add(Path.of(d, exe).toString());
      }
    }
    return found.isEmpty() ? null : found.get(0);
  }
}
