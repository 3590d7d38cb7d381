package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.s3.testing.S3TestServer;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@link Replica} method of {@link S3Replica} against a real S3-compatible server.
 * Subclasses name the server.
 */
abstract class AbstractS3ReplicaConformanceTest {

  @TempDir Path tmp;
  Replica replica;
  URI uri;

  abstract S3TestServer server();

  @BeforeEach
  void open() {
    uri = server().newReplicaUri();
    replica = openViaServiceLoader(uri);
  }

  @AfterEach
  void closeReplica() {
    if (replica != null) {
      replica.close();
    }
  }

  static Replica openViaServiceLoader(URI uri) {
    for (var provider : ServiceLoader.load(io.litewake.spi.ReplicaProvider.class)) {
      if (provider.schemes().contains(uri.getScheme())) {
        return provider.open(uri);
      }
    }
    throw new AssertionError("no ReplicaProvider for " + uri.getScheme());
  }

  Path file(String name, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(tmp.resolve(name), data);
  }

  @Test
  void aListedObjectStreamsInOrderThroughParallelRanges() throws Exception {
    // several ranged GETs in flight, more ranges than buffers (each range after the first
    // STREAM_AHEAD + 1 lands in a buffer an earlier range was read from), a short last one
    int size = S3Replica.STREAM_RANGE * (S3Replica.STREAM_AHEAD + 3) + S3Replica.STREAM_RANGE / 2;
    Path src = file("big", size, 5);
    replica.put("generations/0123456789abcdef/snapshots/00000000.snapshot.lz4", src);
    StoredObject listed = replica.list("").get(0);
    assertThat(listed.size()).isEqualTo(size);
    byte[] expected = Files.readAllBytes(src);
    try (InputStream in = replica.open(listed)) {
      // odd-sized reads across range boundaries
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[77_777];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      assertThat(out.toByteArray()).isEqualTo(expected);
      assertThat(in.read()).isEqualTo(-1);
    }
    // a small object is one GET
    Path small = file("small", 1000, 6);
    StoredObject put = replica.put("small", small);
    try (InputStream in = replica.open(put)) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(small));
    }
    // closing early cancels what is in flight and reads nothing more
    InputStream early = replica.open(listed);
    assertThat(early.read()).isEqualTo(expected[0] & 0xff);
    early.close();
  }

  @Test
  void emptyReplicaListsNothing() throws Exception {
    assertThat(replica.list("")).isEmpty();
    assertThat(replica.list("generations/")).isEmpty();
  }

  @Test
  void putThenListOpenDownload() throws Exception {
    Path src = file("a", 100_000, 1);
    Instant before = Instant.now().minusSeconds(120);
    StoredObject put = replica.put("generations/0123456789abcdef/snapshots/00000000.snapshot.zst", src);
    assertThat(put.key()).isEqualTo("generations/0123456789abcdef/snapshots/00000000.snapshot.zst");
    assertThat(put.size()).isEqualTo(100_000);
    assertThat(put.lastModified()).isBetween(before, Instant.now().plusSeconds(120));

    List<StoredObject> listed = replica.list("");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).key()).isEqualTo(put.key());
    assertThat(listed.get(0).size()).isEqualTo(put.size());
    assertThat(listed.get(0).lastModified()).isBetween(before, Instant.now().plusSeconds(120));

    try (InputStream in = replica.open(put.key())) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(src));
    }
    Path dst = tmp.resolve("dst");
    Files.writeString(dst, "old content that must be replaced, longer than nothing");
    replica.download(put, dst);
    assertThat(Files.readAllBytes(dst)).isEqualTo(Files.readAllBytes(src));
  }

  @Test
  void listIsRecursiveAndPrefixScoped() throws Exception {
    Path src = file("a", 10, 2);
    replica.put("generations/0000000000000001/snapshots/00000000.snapshot.lz4", src);
    replica.put("generations/0000000000000001/wal/00000000_00000000.wal.lz4", src);
    replica.put("generations/0000000000000002/wal/00000000_00000000.wal.lz4", src);
    replica.put("other", src);
    assertThat(keys(replica.list(""))).containsExactlyInAnyOrder(
        "generations/0000000000000001/snapshots/00000000.snapshot.lz4",
        "generations/0000000000000001/wal/00000000_00000000.wal.lz4",
        "generations/0000000000000002/wal/00000000_00000000.wal.lz4",
        "other");
    assertThat(keys(replica.list("generations/0000000000000001/"))).containsExactlyInAnyOrder(
        "generations/0000000000000001/snapshots/00000000.snapshot.lz4",
        "generations/0000000000000001/wal/00000000_00000000.wal.lz4");
    assertThat(keys(replica.list("generations/0000000000000002/wal/")))
        .containsExactly("generations/0000000000000002/wal/00000000_00000000.wal.lz4");
    assertThatThrownBy(() -> replica.list("generations"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'generations'");
  }

  @Test
  void siblingPrefixesAreIsolated() throws Exception {
    // s3://bucket/X/db and s3://bucket/X/db2 must not see each other's objects
    URI sibling = URI.create(uri.toString().replaceFirst("/db\\?", "/db2?"));
    try (Replica other = openViaServiceLoader(sibling)) {
      other.put("generations/0000000000000001/wal/x", file("s", 5, 3));
      replica.put("generations/0000000000000001/wal/y", file("t", 5, 4));
      assertThat(keys(replica.list(""))).containsExactly("generations/0000000000000001/wal/y");
      assertThat(keys(other.list(""))).containsExactly("generations/0000000000000001/wal/x");
    }
  }

  @Test
  void paginatesPastOneThousandKeys() throws Exception {
    // a listing page holds 1000 keys; 1005 objects need a continuation
    Path src = file("p", 1, 5);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<StoredObject>> fs = new java.util.ArrayList<>();
      for (int i = 0; i < 1005; i++) {
        String key = String.format("generations/0000000000000001/wal/%08x_00000000.wal.zst", i);
        fs.add(pool.submit(() -> replica.put(key, src)));
      }
      for (var f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    List<StoredObject> all = replica.list("generations/");
    assertThat(all).hasSize(1005);
    replica.delete(keys(all));
    assertThat(replica.list("")).isEmpty();
  }

  @Test
  void putReplacesAndEmptyObjectsWork() throws Exception {
    replica.put("k", file("one", 1000, 6));
    Path empty = Files.createFile(tmp.resolve("empty"));
    StoredObject put = replica.put("k", empty);
    assertThat(put.size()).isZero();
    assertThat(replica.list("")).extracting(StoredObject::size).containsExactly(0L);
    try (InputStream in = replica.open("k")) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    Path dst = tmp.resolve("dst-empty");
    replica.download(put, dst);
    assertThat(Files.size(dst)).isZero();
  }

  @Test
  void multipartUploadAndRangedDownload() throws Exception {
    try (S3Replica big = S3Replica.fromUri(server().newReplicaUri())
        .partSize(S3Replica.MIN_PART_SIZE).uploadConcurrency(3).downloadConcurrency(3).build()) {
      int size = (int) (S3Replica.MIN_PART_SIZE * 2 + 12345); // three parts, the last one short
      Path src = file("big", size, 7);
      StoredObject put = big.put("generations/0000000000000001/snapshots/00000001.snapshot.zst", src);
      assertThat(put.size()).isEqualTo(size);
      assertThat(big.list("generations/")).containsExactly(put);
      Path dst = tmp.resolve("big-dst");
      big.download(put, dst);
      assertThat(Files.mismatch(src, dst)).isEqualTo(-1L);
      try (InputStream in = big.open(put.key())) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(src));
      }
    }
  }

  @Test
  void missingKeysAreNoSuchFile() throws Exception {
    assertThatThrownBy(() -> replica.open("generations/0000000000000009/wal/nothing"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("generations/0000000000000009/wal/nothing");
    Path dst = tmp.resolve("never");
    StoredObject ghost = new StoredObject("ghost", 10, Instant.now());
    assertThatThrownBy(() -> replica.download(ghost, dst))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("ghost");
    assertThat(dst).doesNotExist();
    StoredObject bigGhost = new StoredObject("big-ghost", 50L * 1024 * 1024, Instant.now());
    assertThatThrownBy(() -> replica.download(bigGhost, dst))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("big-ghost");
    assertThat(dst).doesNotExist();
  }

  @Test
  void deleteRemovesAndIgnoresMissing() throws Exception {
    Path src = file("d", 10, 8);
    replica.put("a/1", src);
    replica.put("a/2", src);
    replica.put("b/3", src);
    replica.delete(List.of());
    replica.delete(List.of("a/1", "b/3", "never-existed"));
    assertThat(keys(replica.list(""))).containsExactly("a/2");
  }

  @Test
  void lastModifiedOrdersUploads() throws Exception {
    StoredObject first = replica.put("first", file("f", 10, 9));
    Thread.sleep(Duration.ofMillis(1100).toMillis()); // S3 timestamps have one-second resolution
    StoredObject second = replica.put("second", file("s", 10, 10));
    assertThat(second.lastModified()).isAfter(first.lastModified());
    assertThat(replica.list("").stream().sorted(Comparator.comparing(StoredObject::lastModified))
        .map(StoredObject::key).toList()).containsExactly("first", "second");
  }

  @Test
  void locationMasksSecrets() {
    String location = replica.location();
    assertThat(location).startsWith("s3://" + S3TestServer.SHARED_BUCKET + "/");
    assertThat(location).doesNotContain(server().secretKey())
        .doesNotContain(S3TestServer.class.getSimpleName())
        .contains("secret-access-key=****");
    assertThat(location).doesNotContain(server().accessKey());
  }

  static List<String> keys(List<StoredObject> objects) {
    return objects.stream().map(StoredObject::key).collect(Collectors.toList());
  }

  static Set<String> keySet(List<StoredObject> objects) {
    return objects.stream().map(StoredObject::key).collect(Collectors.toSet());
  }
}
