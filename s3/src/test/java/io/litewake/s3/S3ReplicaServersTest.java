package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.s3.internal.RangedReader;
import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaProvider;
import io.litewake.spi.StoredObject;
import io.litewake.testsupport.S3Server;
import io.litewake.testsupport.S3Servers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What only {@link S3Replica} promises, on both servers: parallel ranged streams sized by its
 * constants, multipart uploads at its part size, prefixes isolated from their string-prefix
 * siblings, list prefixes checked, and a location that masks the URI's secrets. The {@code Replica} contract itself runs
 * against both servers in the testkit ({@code io.litewake.testkit.ReplicaContractTest}).
 */
class S3ReplicaServersTest {

  @TempDir Path tmp;

  Path file(String name, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(tmp.resolve(name), data);
  }

  /** Opens a replica as Litewake does, through the {@code ReplicaProvider} of its scheme. */
  static Replica open(URI uri) {
    for (ReplicaProvider provider : ServiceLoader.load(ReplicaProvider.class)) {
      if (provider.schemes().contains(uri.getScheme())) {
        return provider.open(uri);
      }
    }
    throw new AssertionError("no ReplicaProvider for " + uri.getScheme());
  }

  static List<String> keys(List<StoredObject> objects) {
    return objects.stream().map(StoredObject::key).toList();
  }

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void aListedObjectStreamsInOrderThroughParallelRanges(S3Servers server) throws Exception {
    try (Replica replica = open(server.newReplicaUri())) {
      // several ranged GETs in flight, more ranges than buffers (each range after the first
      // RangedReader.AHEAD + 1 lands in a buffer an earlier range was read from), a short last one
      int size = RangedReader.RANGE * (RangedReader.AHEAD + 3) + RangedReader.RANGE / 2;
      Path src = file("big", size, 5);
      replica.put("generations/0123456789abcdef/snapshots/00000000.snapshot.lz4", src);
      StoredObject listed = replica.list("").get(0);
      assertThat(listed.size()).isEqualTo(size);
      byte[] expected = Files.readAllBytes(src);
      try (InputStream in = replica.open(listed)) {
        // odd-sized reads across range boundaries
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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
  }

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void multipartUploadAndRangedDownload(S3Servers server) throws Exception {
    try (S3Replica big = S3Replica.fromUri(server.newReplicaUri())
        .partSize(S3Replica.MIN_PART_SIZE).uploadConcurrency(3).downloadConcurrency(3).build()) {
      int size = (int) (S3Replica.MIN_PART_SIZE * 2 + 12345); // three parts, the last one short
      Path src = file("big", size, 7);
      StoredObject put = big.put("generations/0000000000000001/snapshots/00000001.snapshot.zst", src);
      assertThat(put.size()).isEqualTo(size);
      // key and size: a multipart completion carries no Last-Modified, so put() can only
      // approximate it, and under load the store's second may be the next one
      assertThat(big.list("generations/")).extracting(StoredObject::key, StoredObject::size)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(put.key(), put.size()));
      Path dst = tmp.resolve("big-dst");
      big.download(put, dst);
      assertThat(Files.mismatch(src, dst)).isEqualTo(-1L);
      try (InputStream in = big.open(put.key())) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(src));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void siblingPrefixesAreIsolated(S3Servers server) throws Exception {
    // s3://bucket/X/db and s3://bucket/X/db2 must not see each other's objects
    URI uri = server.newReplicaUri();
    URI sibling = URI.create(uri.toString().replaceFirst("/db\\?", "/db2?"));
    try (Replica replica = open(uri); Replica other = open(sibling)) {
      other.put("generations/0000000000000001/wal/x", file("s", 5, 3));
      replica.put("generations/0000000000000001/wal/y", file("t", 5, 4));
      assertThat(keys(replica.list(""))).containsExactly("generations/0000000000000001/wal/y");
      assertThat(keys(other.list(""))).containsExactly("generations/0000000000000001/wal/x");
    }
  }

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void aListPrefixMustEndWithASlash(S3Servers server) throws Exception {
    try (Replica replica = open(server.newReplicaUri())) {
      assertThatThrownBy(() -> replica.list("generations"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'generations'");
    }
  }

  @ParameterizedTest
  @EnumSource(S3Servers.class)
  void locationMasksSecrets(S3Servers server) {
    try (Replica replica = open(server.newReplicaUri())) {
      String location = replica.location();
      assertThat(location).startsWith("s3://" + S3Servers.SHARED_BUCKET + "/");
      assertThat(location).doesNotContain(server.server().secretKey())
          .doesNotContain(S3Server.class.getSimpleName())
          .contains("secret-access-key=****");
      assertThat(location).doesNotContain(server.server().accessKey());
    }
  }
}
