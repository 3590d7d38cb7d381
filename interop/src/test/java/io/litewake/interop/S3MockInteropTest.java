package io.litewake.interop;

import io.findify.s3mock.S3Mock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The interop scenarios on an S3 replica: findify s3mock in this JVM on a loopback port; Litestream
 * talks to it through {@code endpoint}/{@code force-path-style}, Litewake through its {@code s3://}
 * URI parameters.
 */
class S3MockInteropTest extends InteropScenarios {
  static final String REGION = "us-east-1";
  static final String BUCKET = "interop";
  static final String ACCESS_KEY = "interop-key";
  static final String SECRET_KEY = "interop-secret";
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static S3Mock mock;
  private static URI endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    int port = freePort();
    mock = new S3Mock.Builder().withPort(port).withInMemoryBackend().build();
    mock.start();
    endpoint = URI.create("http://127.0.0.1:" + port);
    awaitListening(port);
    try (S3AsyncClient s3 = S3AsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .build()) {
      s3.createBucket(b -> b.bucket(BUCKET)).join();
    }
  }

  @AfterAll
  static void stopS3() {
    if (mock != null) {
      mock.shutdown();
    }
  }

  @Override
  ReplicaTarget newTarget(Path dir, String name) {
    return new S3Target(endpoint, REGION, BUCKET, "apps/" + name + "-" + PREFIXES.incrementAndGet(), ACCESS_KEY, SECRET_KEY);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("s3mock did not listen on 127.0.0.1:" + port);
  }
}
