package io.litewake.s3.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * S3Proxy 4.x (org.gaul:s3proxy, jar-with-dependencies) as a child JVM on a random loopback
 * port, storing objects on disk ({@code filesystem-nio2}), with AWS v2/v4 authorization on.
 * Its dependencies stay off the test classpath. The jar is found through the system property
 * {@code litewake.s3proxy.jar} (set by the build), else in the local Maven repository.
 */
public final class S3ProxyServer extends S3TestServer {

  private static final String IDENTITY = "AKIALITEWAKETEST0001";
  private static final String CREDENTIAL = "litewake/secret+key=";

  private final Process process;
  private final int port;
  private final Path log;

  private S3ProxyServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts S3Proxy with its data in {@code dir}.
   *
   * @param dir an empty or new directory for data, properties and the log
   * @return the running server
   */
  public static S3ProxyServer start(Path dir) {
    try {
      Files.createDirectories(dir.resolve("data"));
      Path jar = locateJar();
      int port = FreePorts.find();
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(
          props,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + IDENTITY,
              "s3proxy.credential=" + CREDENTIAL,
              "jclouds.provider=filesystem-nio2",
              "jclouds.identity=unused",
              "jclouds.credential=unused",
              "jclouds.filesystem.basedir=" + dir.resolve("data").toAbsolutePath(),
              ""),
          StandardCharsets.UTF_8);
      Path log = dir.resolve("s3proxy.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
          "-DLOG_LEVEL=warn", "-DJETTY_LOG_LEVEL=warn",
          "-jar", jar.toString(), "--properties", props.toString()));
      Process p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      S3ProxyServer server = new S3ProxyServer(p, port, log);
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      if (!FreePorts.awaitListening(port, Duration.ofSeconds(60), p::isAlive)) {
        p.destroyForcibly();
        throw new IllegalStateException("S3Proxy did not start on port " + port + "; log:\n"
            + server.logTail());
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Finds the S3Proxy jar.
   *
   * @return the jar
   */
  public static Path locateJar() throws IOException {
    String prop = System.getProperty("litewake.s3proxy.jar");
    if (prop != null && Files.isRegularFile(Path.of(prop))) {
      return Path.of(prop);
    }
    Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy");
    if (Files.isDirectory(repo)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(repo)) {
        for (Path v : versions) {
          Path jar = v.resolve("s3proxy-" + v.getFileName() + "-jar-with-dependencies.jar");
          if (v.getFileName().toString().startsWith("4.") && Files.isRegularFile(jar)) {
            return jar;
          }
        }
      }
    }
    throw new IllegalStateException("S3Proxy jar not found: run the build (mvn verify copies it to"
        + " target/s3proxy) or set -Dlitewake.s3proxy.jar=PATH");
  }

  @Override
  public String name() {
    return "s3proxy";
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String accessKey() {
    return IDENTITY;
  }

  @Override
  public String secretKey() {
    return CREDENTIAL;
  }

  /**
   * The last lines S3Proxy logged.
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

  @Override
  public void close() {
    super.close();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
