package io.litewake.s3;

import io.litewake.spi.StoredObject;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Child-JVM program for {@link BigObjectTest}: writes a file of the given size, puts it,
 * downloads it, compares digests, and prints one {@code RESULT} line with throughput and peak
 * heap. Run with a small {@code -Xmx} to prove memory stays bounded.
 */
public final class BigObjectRoundTrip {

  private BigObjectRoundTrip() {}

  /**
   * Runs the round trip.
   *
   * @param args replica URI, work directory, size in MiB
   * @throws Exception on any failure (exit code 1)
   */
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    Path dir = Path.of(args[1]);
    long size = Long.parseLong(args[2]) * 1024 * 1024 + 12345; // not a multiple of the part size
    Path src = dir.resolve("big.db");
    Path dst = dir.resolve("big-restored.db");
    ByteBuffer block = ByteBuffer.allocate(1 << 20);
    SplittableRandom random = new SplittableRandom(42);
    try (FileChannel ch = FileChannel.open(src, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long written = 0; written < size; ) {
        block.clear();
        while (block.remaining() >= 8) {
          block.putLong(random.nextLong());
        }
        block.flip();
        block.limit((int) Math.min(block.limit(), size - written));
        written += ch.write(block);
      }
    }
    String srcMd5 = md5(src);
    try (S3Replica replica = S3Replica.fromUri(uri).build()) {
      long t0 = System.nanoTime();
      StoredObject put = replica.put("generations/0000000000000001/snapshots/00000000.snapshot.zst", src);
      long t1 = System.nanoTime();
      if (put.size() != size) {
        throw new AssertionError("stored size " + put.size() + " != " + size);
      }
      replica.download(put, dst);
      long t2 = System.nanoTime();
      String dstMd5 = md5(dst);
      if (!srcMd5.equals(dstMd5)) {
        throw new AssertionError("download differs: " + dstMd5 + " != " + srcMd5);
      }
      double mib = size / 1048576.0;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(java.util.Locale.ROOT,
          "RESULT size_mib=%.1f upload_s=%.2f upload_mib_s=%.1f download_s=%.2f download_mib_s=%.1f"
              + " max_heap_mib=%d peak_heap_mib=%.1f xmx=%s%n",
          mib, (t1 - t0) / 1e9, mib / ((t1 - t0) / 1e9), (t2 - t1) / 1e9, mib / ((t2 - t1) / 1e9),
          Runtime.getRuntime().maxMemory() >> 20, peak / 1048576.0,
          ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
              .filter(a -> a.startsWith("-Xmx")).findFirst().orElse("none"));
    } finally {
      Files.deleteIfExists(src);
      Files.deleteIfExists(dst);
    }
  }

  private static String md5(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("MD5");
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
