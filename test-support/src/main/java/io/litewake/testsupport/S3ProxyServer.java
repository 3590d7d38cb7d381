package io.litewake.testsupport;

import java.io.File;
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
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * S3Proxy 4.x ({@code org.gaul:s3proxy}, classifier {@code jar-with-dependencies}) as a child
 * JVM on a random loopback port, objects on disk ({@code filesystem-nio2}), AWS v2/v4
 * signatures checked and {@code Content-MD5} verified. Its dependencies stay off the caller's
 * class path. A shutdown hook stops the child if the caller does not.
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start()) { ... }              // temporary directory
 * S3ProxyServer s3 = S3ProxyServer.builder().directory(dir).heap("1g").start();
 * }</pre>
 */
public final class S3ProxyServer extends S3Server {
  /** The system property naming the jar-with-dependencies; the builds set it. */
  public static final String JAR_PROPERTY = "litewake.s3proxy.jar";
  private static final String IDENTITY = "AKIALITEWAKETEST0001";
  private static final String CREDENTIAL = "litewake/test+secret=";
  private static final String FALLBACK_VERSION = "4.1.0";

  private final Process process;
  private final int port;
  private final Path dir;
  private final boolean ownsDir;
  private final Path log;
  private final Thread hook;
  private boolean closed;

  private S3ProxyServer(Process process, int port, Path dir, boolean ownsDir, Path log, Thread hook) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.log = log;
    this.hook = hook;
  }

  /**
   * Starts S3Proxy from the jar {@link #locateJar()} finds, in a temporary directory removed on
   * close.
   *
   * @return the running server; close it when done
   * @throws IllegalStateException if the jar is not found (saying how to get it) or the server
   *     does not start (with its log)
   */
  public static S3ProxyServer start() {
    return builder().start();
  }

  /**
   * Starts describing a server.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The version this module was built and tested with ({@code s3proxy.version} of the build).
   *
   * @return such as {@code 4.1.0}
   */
  public static String testedVersion() {
    try (InputStream in = S3ProxyServer.class.getResourceAsStream("test-support.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("s3proxy.version", FALLBACK_VERSION);
      return v.startsWith("$") ? FALLBACK_VERSION : v;
    } catch (IOException e) {
      return FALLBACK_VERSION;
    }
  }

  /**
   * Finds the jar: the system property {@value #JAR_PROPERTY}, then the class path, then the
   * local Maven repository ({@code maven.repo.local}, then {@code ~/.m2/repository}), the tested
   * version first, else the newest 4.x there.
   *
   * @return the jar
   * @throws IllegalStateException if none is found; the message says where it looked and how to
   *     fetch it
   */
  public static Path locateJar() {
    List<String> looked = new ArrayList<>();
    String prop = System.getProperty(JAR_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      Path p = Path.of(prop);
      if (Files.isRegularFile(p)) {
        return p;
      }
      looked.add(p + " (system property " + JAR_PROPERTY + ")");
    }
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      Path name = entry.isEmpty() ? null : Path.of(entry).getFileName();
      if (name != null && name.toString().startsWith("s3proxy-")
          && name.toString().endsWith("-jar-with-dependencies.jar") && Files.isRegularFile(Path.of(entry))) {
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
      Path newest = newest4x(base);
      if (newest != null) {
        return newest;
      }
    }
    throw new IllegalStateException("S3Proxy jar not found (looked in " + String.join(", ", looked)
        + "). Fetch it once with: mvn dependency:get -Dartifact=org.gaul:s3proxy:" + version
        + ":jar:jar-with-dependencies   (or set -D" + JAR_PROPERTY + "=PATH, or give the jar's path:"
        + " EmbeddedS3.builder().s3proxy(PATH) in litewake-testkit)");
  }

  private static Path newest4x(Path base) {
    if (!Files.isDirectory(base)) {
      return null;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(base)) {
      for (Path v : versions) {
        Path jar = v.resolve("s3proxy-" + v.getFileName() + "-jar-with-dependencies.jar");
        if (v.getFileName().toString().startsWith("4.") && Files.isRegularFile(jar)) {
          found.add(jar);
        }
      }
    } catch (IOException e) {
      return null;
    }
    found.sort(Comparator.comparing(Path::toString));
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "s3proxy";
  }

  /** {@inheritDoc} */
  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** {@inheritDoc} */
  @Override
  public String accessKey() {
    return IDENTITY;
  }

  /** {@inheritDoc} */
  @Override
  public String secretKey() {
    return CREDENTIAL;
  }

  /**
   * Where the objects of a bucket lie on disk: {@code filesystem-nio2} stores the object
   * {@code KEY} of {@code BUCKET} as the file {@code BUCKET/KEY} below the data directory. For
   * a benchmark that counts objects without sending requests.
   *
   * @param bucket the bucket
   * @param keyPrefix a key or key prefix made of whole path segments, may be empty
   * @return the path (it may not exist)
   */
  public Path objects(String bucket, String keyPrefix) {
    Path b = dir.resolve("data").resolve(bucket);
    return keyPrefix.isEmpty() ? b : b.resolve(keyPrefix);
  }

  /**
   * The last part of the child's output.
   *
   * @return up to 4000 characters of its log
   */
  public String logTail() {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * The child process, for measurements.
   *
   * @return the process
   */
  public Process process() {
    return process;
  }

  /** Stops the child (SIGTERM, then SIGKILL after 10 s) and removes a temporary directory. Idempotent. */
  @Override
  public void close() {
    super.close();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
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
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down
    }
    if (ownsDir) {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }

  /** Describes an {@link S3ProxyServer}. Not thread-safe. */
  public static final class Builder {
    private Path jar;
    private Path dir;
    private String heap = "512m";

    private Builder() {}

    /**
     * The jar-with-dependencies to run, instead of the one {@link #locateJar()} finds.
     *
     * @param jar the jar
     * @return this builder
     * @throws IllegalArgumentException if the file does not exist
     */
    public Builder jar(Path jar) {
      Objects.requireNonNull(jar, "jar");
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("S3Proxy jar " + jar + " does not exist");
      }
      this.jar = jar;
      return this;
    }

    /**
     * Keeps data, properties and the log in this directory (kept on close) instead of a
     * temporary one (removed on close).
     *
     * @param dir a new or empty directory
     * @return this builder
     */
    public Builder directory(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * The child's maximum heap (default {@code 512m}).
     *
     * @param heap a {@code -Xmx} value such as {@code 1g}
     * @return this builder
     */
    public Builder heap(String heap) {
      this.heap = Objects.requireNonNull(heap, "heap");
      return this;
    }

    /**
     * Starts the child and waits (60 s at most) until it listens.
     *
     * @return the running server
     * @throws IllegalStateException if the jar is not found or the server does not start (with
     *     its log)
     * @throws UncheckedIOException if the directory or the process cannot be created
     */
    public S3ProxyServer start() {
      Path j = jar != null ? jar : locateJar();
      try {
        boolean owns = dir == null;
        Path d = owns ? Files.createTempDirectory("litewake-s3proxy") : Files.createDirectories(dir);
        Files.createDirectories(d.resolve("data"));
        int port = FreePorts.find();
        Path props = d.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + IDENTITY,
            "s3proxy.credential=" + CREDENTIAL,
            "jclouds.provider=filesystem-nio2",
            "jclouds.identity=unused",
            "jclouds.credential=unused",
            "jclouds.filesystem.basedir=" + d.resolve("data").toAbsolutePath(),
            ""), StandardCharsets.UTF_8);
        Path log = d.resolve("s3proxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-DLOG_LEVEL=warn", "-DJETTY_LOG_LEVEL=warn", "-jar", j.toAbsolutePath().toString(),
            "--properties", props.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Thread hook = new Thread(p::destroyForcibly, "litewake-s3proxy-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        S3ProxyServer server = new S3ProxyServer(p, port, d, owns, log, hook);
        if (!FreePorts.awaitListening(port, Duration.ofSeconds(60), p::isAlive)) {
          String tail = server.logTail();
          server.close();
          throw new IllegalStateException("S3Proxy (" + j + ") did not start on 127.0.0.1:" + port
              + " within 60 s; its log:\n" + tail);
        }
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start S3Proxy from " + j, e);
      }
    }
  }
}
