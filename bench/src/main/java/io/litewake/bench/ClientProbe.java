package io.litewake.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The restore's requests on a cold JVM with the SDK's two client kinds: {@code async} (Netty, what
 * Litewake used), {@code sync} (the URL-connection HTTP client) and {@code apache5} (the synchronous
 * client on Apache HttpClient 5): build the client, first LIST,
 * then GET every object under the prefix (16 at once). Run by {@link PerfProbe} {@code clients}.
 * Arguments: {@code async|sync|apache5 ENDPOINT BUCKET PREFIX ACCESS SECRET}; prints {@code RESULT
 * buildMs=.. listMs=.. getMs=.. objects=.. bytes=..}.
 */
public final class ClientProbe {
  private ClientProbe() {}

  public static void main(String[] args) throws Exception {
    boolean sync = !args[0].equals("async");
    URI endpoint = URI.create(args[1]);
    String bucket = args[2];
    String prefix = args[3];
    StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(args[4], args[5]));
    S3Configuration conf = S3Configuration.builder().pathStyleAccessEnabled(true).chunkedEncodingEnabled(false).build();
    long t0 = System.nanoTime();
    S3Client sc = null;
    S3AsyncClient ac = null;
    if (sync) {
      sc = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(creds)
          .httpClientBuilder(args[0].equals("apache5")
              ? software.amazon.awssdk.http.apache5.Apache5HttpClient.builder().maxConnections(24)
              : UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                  .socketTimeout(Duration.ofSeconds(60)))
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).serviceConfiguration(conf).build();
    } else {
      ac = S3AsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(creds)
          .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(24))
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).serviceConfiguration(conf).build();
    }
    long t1 = System.nanoTime();
    List<S3Object> objects = new ArrayList<>();
    if (sync) {
      sc.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(objects::add);
    } else {
      ac.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().subscribe(objects::add).get();
    }
    long t2 = System.nanoTime();
    long bytes = 0;
    if (sync) {
      S3Client c = sc;
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<Long>> fs = new ArrayList<>();
      for (S3Object o : objects) {
        fs.add(pool.submit(() -> {
          ResponseBytes<GetObjectResponse> r = c.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()));
          return (long) r.asByteArrayUnsafe().length;
        }));
      }
      for (Future<Long> f : fs) {
        bytes += f.get();
      }
      pool.shutdown();
    } else {
      List<CompletableFuture<Long>> fs = new ArrayList<>();
      java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(16);
      for (S3Object o : objects) {
        slots.acquire();
        CompletableFuture<Long> f = ac.getObject(b -> b.bucket(bucket).key(o.key()), AsyncResponseTransformer.toBytes())
            .thenApply(r -> (long) r.asByteArrayUnsafe().length);
        f.whenComplete((r, t) -> slots.release());
        fs.add(f);
      }
      for (CompletableFuture<Long> f : fs) {
        bytes += f.get();
      }
    }
    long t3 = System.nanoTime();
    System.out.printf(java.util.Locale.ROOT, "RESULT buildMs=%.0f listMs=%.0f getMs=%.0f objects=%d bytes=%d%n",
        (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, objects.size(), bytes);
    System.exit(0);
  }
}
