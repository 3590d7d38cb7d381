package io.litewake.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaProvider;
import io.litewake.spi.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Replica} keeps, as a JUnit 5 suite to extend: listing (recursive,
 * prefix-scoped, paginated past 1000 keys), storing and replacing (empty and large objects),
 * conditional writes, reading (from the first byte, streamed, downloaded over an existing file),
 * missing objects as {@link NoSuchFileException} naming the key, deleting, storage timestamps
 * that order uploads, a location that hides secrets — then Litewake itself on the replica:
 * replicate, restart, restore, restore to a point in time, and a missing object named by the
 * restore (those in {@link LitewakeOnReplicaContract}, which this class extends).
 *
 * <pre>{@code
 * class MyStoreContractTest extends ReplicaContractTest {
 *   @Override
 *   protected Replica newReplica() {
 *     return new MyStoreReplica(bucket, "contract/" + UUID.randomUUID());   // fresh and empty
 *   }
 * }
 * }</pre>
 *
 * <p>Every replica {@link #newReplica()} returns is closed after the test. Hooks describe what a
 * store may do differently: {@link #timestampGranularity()}, {@link #conditionalPuts()}, {@link
 * #largeObjectSize()}, {@link #secrets()}. Litewake runs it against its {@code file:} replica and
 * its {@code s3:} replica on findify s3mock and on S3Proxy.
 */
public abstract class ReplicaContractTest extends LitewakeOnReplicaContract {

  /** For subclasses. */
  protected ReplicaContractTest() {}

  /**
   * Whether {@link Replica#putIfAbsent} refuses an existing key (true, the default), or the store
   * ignores the condition and the call replaces the object as {@code put} does (false: the SPI's
   * default method, or a server that ignores {@code If-None-Match}).
   *
   * @return what {@code putIfAbsent} on an existing key does
   */
  protected boolean conditionalPuts() {
    return true;
  }

  /**
   * The size of the large object of {@link #aLargeObjectRoundTripsWhateverTheReadSizes()}: large
   * enough to cross the implementation's part and range sizes several times. Default 20 MiB plus
   * an odd tail.
   *
   * @return bytes
   */
  protected int largeObjectSize() {
    return 20 * 1024 * 1024 + 12_345;
  }

  /**
   * Strings that must never appear in {@link Replica#location()}, such as the credentials the
   * replica was given. Default none.
   *
   * @return the strings
   */
  protected Collection<String> secrets() {
    return List.of();
  }

  /**
   * Opens a replica as {@code Replicator.to(URI)} and {@code Restore.from(URI)} do: through the
   * {@link ReplicaProvider} that {@link ServiceLoader} finds for the URI's scheme.
   *
   * @param uri the replica URI
   * @return the replica; the caller closes it
   * @throws AssertionError if no provider takes the scheme
   */
  public static Replica open(URI uri) {
    for (ReplicaProvider provider : ServiceLoader.load(ReplicaProvider.class)) {
      if (provider.schemes().contains(uri.getScheme())) {
        return provider.open(uri);
      }
    }
    throw new AssertionError("no ReplicaProvider on the class path takes the scheme '" + uri.getScheme() + "'");
  }

  private Path file(String name, int size, long seed) throws IOException {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(workDir.resolve(name), data);
  }

  private static TreeSet<String> keys(List<StoredObject> objects) {
    TreeSet<String> keys = new TreeSet<>();
    objects.forEach(o -> keys.add(o.key()));
    return keys;
  }

  private static TreeSet<String> setOf(String... keys) {
    return new TreeSet<>(List.of(keys));
  }

  private static byte[] read(Replica replica, String key) throws IOException {
    try (InputStream in = replica.open(key)) {
      return in.readAllBytes();
    }
  }

  private static void assertBetween(Instant t, Instant from, Instant to, String what) {
    assertTrue(!t.isBefore(from) && !t.isAfter(to), what + " " + t + " is not between " + from + " and " + to);
  }

  // ------------------------------------------------------------------ storage

  /**
   * A new replica lists nothing.
   *
   * @throws Exception on failure
   */
  @Test
  void anEmptyReplicaListsNothing() throws Exception {
    Replica replica = fresh();
    assertEquals(List.of(), replica.list(""));
    assertEquals(List.of(), replica.list("generations/"));
  }

  /**
   * A stored object is listed with its key, size and a plausible timestamp, and reads back
   * byte for byte by key and by download, a download replacing an existing file.
   *
   * @throws Exception on failure
   */
  @Test
  void aStoredObjectListsAndReadsBack() throws Exception {
    Replica replica = fresh();
    Path src = file("a", 100_000, 1);
    Instant before = Instant.now().minusSeconds(120);
    String key = "generations/0123456789abcdef/snapshots/00000000.snapshot.zst";
    StoredObject put = replica.put(key, src);
    assertEquals(key, put.key());
    assertEquals(100_000, put.size());
    assertBetween(put.lastModified(), before, Instant.now().plusSeconds(120), "put's timestamp");

    List<StoredObject> listed = replica.list("");
    assertEquals(1, listed.size(), "listed: " + listed);
    assertEquals(key, listed.get(0).key());
    assertEquals(put.size(), listed.get(0).size());
    assertBetween(listed.get(0).lastModified(), before, Instant.now().plusSeconds(120), "listed timestamp");

    assertArrayEquals(Files.readAllBytes(src), read(replica, key));
    Path dst = workDir.resolve("dst");
    Files.writeString(dst, "old content that must be replaced, longer than nothing");
    replica.download(put, dst);
    assertEquals(-1L, Files.mismatch(src, dst), "downloaded bytes differ from the stored ones");
  }

  /**
   * Listing is recursive and scoped to the prefix.
   *
   * @throws Exception on failure
   */
  @Test
  void listingIsRecursiveAndPrefixScoped() throws Exception {
    Replica replica = fresh();
    Path src = file("a", 10, 2);
    replica.put("generations/0000000000000001/snapshots/00000000.snapshot.lz4", src);
    replica.put("generations/0000000000000001/wal/00000000_00000000.wal.lz4", src);
    replica.put("generations/0000000000000002/wal/00000000_00000000.wal.lz4", src);
    replica.put("other", src);
    assertEquals(setOf(
        "generations/0000000000000001/snapshots/00000000.snapshot.lz4",
        "generations/0000000000000001/wal/00000000_00000000.wal.lz4",
        "generations/0000000000000002/wal/00000000_00000000.wal.lz4",
        "other"), keys(replica.list("")));
    assertEquals(setOf(
        "generations/0000000000000001/snapshots/00000000.snapshot.lz4",
        "generations/0000000000000001/wal/00000000_00000000.wal.lz4"),
        keys(replica.list("generations/0000000000000001/")));
    assertEquals(List.of("generations/0000000000000002/wal/00000000_00000000.wal.lz4"),
        replica.list("generations/0000000000000002/wal/").stream().map(StoredObject::key).toList());
  }

  /**
   * Two replicas from {@link #newReplica()} do not see each other's objects.
   *
   * @throws Exception on failure
   */
  @Test
  void twoReplicasAreIsolated() throws Exception {
    Replica one = fresh();
    Replica two = fresh();
    two.put("generations/0000000000000001/wal/x", file("s", 5, 3));
    one.put("generations/0000000000000001/wal/y", file("t", 5, 4));
    assertEquals(setOf("generations/0000000000000001/wal/y"), keys(one.list("")));
    assertEquals(setOf("generations/0000000000000001/wal/x"), keys(two.list("")));
    assertNotEquals(one.location(), two.location());
  }

  /**
   * 1005 objects (stored from 16 threads at once) are all listed, past the 1000 keys of an S3
   * listing page, and all deleted in one call.
   *
   * @throws Exception on failure
   */
  @Test
  void listingGoesPastOneThousandKeys() throws Exception {
    Replica replica = fresh();
    Path src = file("p", 1, 5);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<StoredObject>> puts = new ArrayList<>();
      for (int i = 0; i < 1005; i++) {
        String key = String.format("generations/0000000000000001/wal/%08x_00000000.wal.zst", i);
        puts.add(pool.submit(() -> replica.put(key, src)));
      }
      for (Future<StoredObject> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    List<StoredObject> all = replica.list("generations/");
    assertEquals(1005, all.size());
    assertEquals(1005, keys(all).size(), "keys listed twice");
    replica.delete(keys(all));
    assertEquals(List.of(), replica.list(""));
  }

  /**
   * {@code put} replaces an object, and an empty object stores, lists, reads and downloads as
   * empty.
   *
   * @throws Exception on failure
   */
  @Test
  void putReplacesAndEmptyObjectsWork() throws Exception {
    Replica replica = fresh();
    replica.put("k", file("one", 1000, 6));
    Path empty = Files.createFile(workDir.resolve("empty"));
    StoredObject put = replica.put("k", empty);
    assertEquals(0, put.size());
    assertEquals(List.of(0L), replica.list("").stream().map(StoredObject::size).toList());
    assertArrayEquals(new byte[0], read(replica, "k"));
    Path dst = workDir.resolve("dst-empty");
    replica.download(put, dst);
    assertEquals(0, Files.size(dst));
  }

  /**
   * {@code putIfAbsent} stores a new key; on an existing key it returns null and keeps the
   * first content, or, where {@link #conditionalPuts()} says the store ignores the condition,
   * replaces it.
   *
   * @throws Exception on failure
   */
  @Test
  void putIfAbsentKeepsTheFirstObjectWhereTheStoreCan() throws Exception {
    Replica replica = fresh();
    Path first = Files.writeString(workDir.resolve("first"), "first");
    Path second = Files.writeString(workDir.resolve("second"), "second, different");
    String key = "generations/0000000000000001/wal/00000000_00000000.wal.zst";
    StoredObject stored = replica.putIfAbsent(key, first);
    assertNotNull(stored, "putIfAbsent of a new key returned null");
    assertEquals(5, stored.size());
    StoredObject again = replica.putIfAbsent(key, second);
    String content = new String(read(replica, key), java.nio.charset.StandardCharsets.UTF_8);
    if (conditionalPuts()) {
      assertNull(again, "putIfAbsent of an existing key must return null");
      assertEquals("first", content);
    } else {
      assertNotNull(again, "a store without conditional writes replaces the object");
      assertEquals("second, different", content);
    }
  }

  /**
   * A large object lists with its size and reads back byte for byte through {@code
   * open(StoredObject)} in odd-sized reads, {@code open(key)} and {@code download}; a stream
   * closed early is closed without error.
   *
   * @throws Exception on failure
   */
  @Test
  void aLargeObjectRoundTripsWhateverTheReadSizes() throws Exception {
    Replica replica = fresh();
    int size = largeObjectSize();
    Path src = file("big", size, 7);
    byte[] expected = Files.readAllBytes(src);
    StoredObject put = replica.put("generations/0000000000000001/snapshots/00000001.snapshot.zst", src);
    assertEquals(size, put.size());
    List<StoredObject> listed = replica.list("generations/");
    assertEquals(1, listed.size());
    assertEquals(size, listed.get(0).size());
    try (InputStream in = replica.open(listed.get(0))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(size);
      byte[] buf = new byte[77_777];
      for (int n = in.read(buf); n >= 0; n = in.read(buf, 0, 1 + (n * 31) % buf.length)) {
        out.write(buf, 0, n);
      }
      assertArrayEquals(expected, out.toByteArray(), "open(StoredObject) read other bytes");
      assertEquals(-1, in.read(), "read past the end");
    }
    assertArrayEquals(expected, read(replica, put.key()), "open(key) read other bytes");
    Path dst = workDir.resolve("big-dst");
    replica.download(listed.get(0), dst);
    assertEquals(-1L, Files.mismatch(src, dst), "download wrote other bytes");
    InputStream early = replica.open(listed.get(0));
    assertEquals(expected[0] & 0xff, early.read());
    early.close();
  }

  /**
   * Missing objects are {@link NoSuchFileException}s naming the key, for {@code open} and for
   * {@code download} (which then leaves no file), whatever size the caller believed.
   *
   * @throws Exception on failure
   */
  @Test
  void missingObjectsAreNoSuchFileNamingTheKey() throws Exception {
    Replica replica = fresh();
    String missing = "generations/0000000000000009/wal/nothing";
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> replica.open(missing).close());
    assertContains(e.getMessage(), missing);
    Path dst = workDir.resolve("never");
    StoredObject ghost = new StoredObject("ghost", 10, Instant.now());
    assertContains(assertThrows(NoSuchFileException.class, () -> replica.download(ghost, dst)).getMessage(), "ghost");
    assertFalse(Files.exists(dst), "a failed download left " + dst);
    StoredObject bigGhost = new StoredObject("big-ghost", 50L * 1024 * 1024, Instant.now());
    assertContains(assertThrows(NoSuchFileException.class, () -> replica.download(bigGhost, dst)).getMessage(),
        "big-ghost");
    assertFalse(Files.exists(dst), "a failed download left " + dst);
  }

  /**
   * {@code delete} removes the named objects only, ignores missing keys and takes an empty list.
   *
   * @throws Exception on failure
   */
  @Test
  void deleteRemovesOnlyThoseAndIgnoresMissingKeys() throws Exception {
    Replica replica = fresh();
    Path src = file("d", 10, 8);
    replica.put("a/1", src);
    replica.put("a/2", src);
    replica.put("b/3", src);
    replica.delete(List.of());
    replica.delete(List.of("a/1", "b/3", "never-existed"));
    assertEquals(setOf("a/2"), keys(replica.list("")));
  }

  /**
   * Uploads {@link #timestampGranularity()} apart get increasing storage timestamps, in what
   * {@code put} returns and in listings.
   *
   * @throws Exception on failure
   */
  @Test
  void storageTimestampsOrderUploads() throws Exception {
    Replica replica = fresh();
    StoredObject first = replica.put("first", file("f", 10, 9));
    Thread.sleep(timestampGranularity().toMillis());
    StoredObject second = replica.put("second", file("s", 10, 10));
    assertTrue(second.lastModified().isAfter(first.lastModified()),
        "second " + second.lastModified() + " is not after first " + first.lastModified());
    assertEquals(List.of("first", "second"), replica.list("").stream()
        .sorted(Comparator.comparing(StoredObject::lastModified)).map(StoredObject::key).toList());
  }

  /**
   * The location is printable, stable and free of {@link #secrets()}.
   *
   * @throws Exception on failure
   */
  @Test
  void theLocationIsPrintableAndHidesSecrets() throws Exception {
    Replica replica = fresh();
    String location = replica.location();
    assertNotNull(location);
    assertFalse(location.isBlank(), "blank location");
    assertEquals(location, replica.location());
    for (String secret : secrets()) {
      assertFalse(location.contains(secret), "location " + location + " shows a secret");
    }
  }
}
