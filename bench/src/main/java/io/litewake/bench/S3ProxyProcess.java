package io.litewake.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy 4.x (jar-with-dependencies, copied to {@code bench/target/s3proxy} by the build) as a
 * child JVM on loopback, objects on disk ({@code filesystem-nio2}), AWS v2/v4 signatures checked.
 */
final class S3ProxyProcess implements AutoCloseable {
  static final String IDENTITY = "benchaccesskey";
  static final String CREDENTIAL = "benchsecretkey";

  private final Process process;
  private final int port;
  private final Path data;

  private S3ProxyProcess(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  static S3ProxyProcess start(Path dir, String bucket) throws Exception {
    Path jar = Path.of(System.getProperty("litewake.s3proxy.jar", "bench/target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      jar = Path.of("target/s3proxy/s3proxy.jar");
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("S3Proxy jar not found (run with `package` so that the build copies"
          + " it to bench/target/s3proxy, or set -Dlitewake.s3proxy.jar)");
    }
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve(bucket));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + IDENTITY,
        "s3proxy.credential=" + CREDENTIAL,
        "jclouds.provider=filesystem-nio2",
        "jclouds.identity=unused",
        "jclouds.credential=unused",
        "jclouds.filesystem.basedir=" + data.toAbsolutePath(),
        ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-DLOG_LEVEL=warn", "-DJETTY_LOG_LEVEL=warn", "-jar", jar.toAbsolutePath().toString(),
        "--properties", props.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return new S3ProxyProcess(p, port, data);
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
  }

  int port() {
    return port;
  }

  /** Where objects of {@code bucket/key} live on disk (filesystem-nio2 maps keys to paths). */
  Path objects(String bucket, String prefix) {
    return data.resolve(bucket).resolve(prefix);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
