package io.litewake.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy 4.x ({@code org.gaul:s3proxy}, classifier {@code jar-with-dependencies}) as a child
 * JVM on a random loopback port, storing objects in a temporary directory, with AWS signature
 * checking on. Its dependencies stay off the caller's classpath.
 */
final class S3ProxyServer extends Server {
  static final String JAR_PROPERTY = "litewake.s3proxy.jar";
  private static final String IDENTITY = "AKIALITEWAKETEST0001";
  private static final String CREDENTIAL = "litewake/test+secret=";

  private final Process process;
  private final int port;
  private final Path dir;
  private final Path log;
  private volatile Thread hook;

  private S3ProxyServer(Process process, int port, Path dir, Path log) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.log = log;
  }

  static S3ProxyServer start(Path jarOrNull) {
    Path jar = jarOrNull != null ? requireJar(jarOrNull) : locateJar();
    try {
      Path dir = Files.createTempDirectory("litewake-s3proxy");
      Files.createDirectories(dir.resolve("data"));
      int port = freePort();
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + IDENTITY,
          "s3proxy.credential=" + CREDENTIAL,
          "jclouds.provider=filesystem-nio2",
          "jclouds.identity=unused",
          "jclouds.credential=unused",
          "jclouds.filesystem.basedir=" + dir.resolve("data").toAbsolutePath(),
          ""), StandardCharsets.UTF_8);
      Path log = dir.resolve("s3proxy.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-DLOG_LEVEL=warn", "-DJETTY_LOG_LEVEL=warn",
          "-jar", jar.toString(), "--properties", props.toString()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      S3ProxyServer backend = new S3ProxyServer(p, port, dir, log);
      Thread hook = new Thread(p::destroyForcibly, "litewake-s3proxy-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      backend.hook = hook;
      if (!awaitListening(port, Duration.ofSeconds(60), p::isAlive)) {
        p.destroyForcibly();
        throw new IllegalStateException("S3Proxy (" + jar + ") did not start on 127.0.0.1:" + port
            + " within 60 s; its log:\n" + backend.logTail());
      }
      return backend;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Proxy from " + jar, e);
    }
  }

  private static Path requireJar(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("S3Proxy jar " + jar + " does not exist");
    }
    return jar;
  }

  /** The version the testkit was built and tested with. */
  static String testedVersion() {
    try (InputStream in = S3ProxyServer.class.getResourceAsStream("testkit.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("s3proxy.version", "4.1.0");
      return v.startsWith("$") ? "4.1.0" : v;
    } catch (IOException e) {
      return "4.1.0";
    }
  }

  /**
   * Finds the jar: the system property {@value #JAR_PROPERTY}, then the class path, then the
   * local Maven repository ({@code maven.repo.local} or {@code ~/.m2/repository}), the tested
   * version first, else the newest 4.x.
   */
  static Path locateJar() {
    List<String> looked = new ArrayList<>();
    String prop = System.getProperty(JAR_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      Path p = Path.of(prop);
      if (Files.isRegularFile(p)) {
        return p;
      }
      looked.add(p + " (system property " + JAR_PROPERTY + ")");
    }
    for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
      if (name.startsWith("s3proxy-") && name.endsWith("-jar-with-dependencies.jar") && Files.isRegularFile(Path.of(entry))) {
        return Path.of(entry);
      }
    }
    looked.add("the class path");
    String version = testedVersion();
    List<Path> repos = new ArrayList<>();
    String local = System.getProperty("maven.repo.local");
    if (local != null && !local.isBlank()) {
      repos.add(Path.of(local));
    }
    repos.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    for (Path repo : repos) {
      Path base = repo.resolve("org").resolve("gaul").resolve("s3proxy");
      Path exact = base.resolve(version).resolve("s3proxy-" + version + "-jar-with-dependencies.jar");
      if (Files.isRegularFile(exact)) {
        return exact;
      }
      looked.add(base + "/*/s3proxy-*-jar-with-dependencies.jar");
      if (Files.isDirectory(base)) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(base)) {
          for (Path v : versions) {
            Path jar = v.resolve("s3proxy-" + v.getFileName() + "-jar-with-dependencies.jar");
            if (v.getFileName().toString().startsWith("4.") && Files.isRegularFile(jar)) {
              found.add(jar);
            }
          }
        } catch (IOException e) {
          // keep looking
        }
        found.sort(Comparator.comparing(Path::toString));
        if (!found.isEmpty()) {
          return found.get(found.size() - 1);
        }
      }
    }
    throw new IllegalStateException("S3Proxy jar not found (looked in " + String.join(", ", looked)
        + "). Fetch it once with: mvn dependency:get -Dartifact=org.gaul:s3proxy:" + version
        + ":jar:jar-with-dependencies   (or set -D" + JAR_PROPERTY + "=PATH, or pass it to"
        + " EmbeddedS3.builder().s3proxy(PATH))");
  }

  @Override
  String name() {
    return "s3proxy";
  }

  @Override
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  String accessKey() {
    return IDENTITY;
  }

  @Override
  String secretKey() {
    return CREDENTIAL;
  }

  String logTail() {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
    Thread h = hook;
    if (h != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(h);
      } catch (IllegalStateException e) {
        // the JVM is shutting down
      }
    }
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }
}
