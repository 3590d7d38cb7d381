package io.litewake.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Litewake on an S3 prefix that holds Litestream generations, on S3Proxy 4.x (a child JVM on a
 * loopback port, filesystem storage, AWS v4 signatures checked): s3mock 0.2.6 cannot serve this
 * case, its {@code delimiter=/} listings return only the first common prefix, so Litestream would
 * see one generation of two.
 */
class S3ProxySharedPrefixTest extends SharedPrefixScenarios {
  static final String REGION = "us-east-1";
  static final String BUCKET = "interop";
  static final String ACCESS_KEY = "AKIAINTEROPTEST00001";
  static final String SECRET_KEY = "interop-secret-key";
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static Process s3proxy;
  private static Path data;
  private static URI endpoint;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    String jar = System.getProperty("litewake.s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("S3Proxy jar not found at -Dlitewake.s3proxy.jar=" + jar
          + "; the build copies it to interop/target/s3proxy (mvn verify)");
    }
    data = Files.createTempDirectory("litewake-s3proxy");
    Files.createDirectories(data.resolve("data").resolve(BUCKET)); // the filesystem backend's bucket
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path props = data.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2",
        "jclouds.identity=unused",
        "jclouds.credential=unused",
        "jclouds.filesystem.basedir=" + data.resolve("data"),
        ""), StandardCharsets.UTF_8);
    Path log = data.resolve("s3proxy.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    s3proxy = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-DLOG_LEVEL=warn", "-jar", jar, "--properties", props.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    endpoint = URI.create("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        break;
      } catch (IOException e) {
        if (!s3proxy.isAlive() || System.nanoTime() > deadline) {
          s3proxy.destroyForcibly();
          throw new IllegalStateException("S3Proxy did not listen on 127.0.0.1:" + port + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
        }
        Thread.sleep(100);
      }
    }
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    if (s3proxy != null) {
      s3proxy.destroy();
      if (!s3proxy.waitFor(10, TimeUnit.SECONDS)) {
        s3proxy.destroyForcibly();
      }
    }
    if (data != null) {
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new S3Target(endpoint, REGION, BUCKET, "apps/" + name + "-" + PREFIXES.incrementAndGet(), ACCESS_KEY, SECRET_KEY);
  }
}
