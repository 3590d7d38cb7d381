package io.litewake.s3.internal;

import io.litewake.spi.StoredObject;
import io.litewake.spi.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.FileTransformerConfiguration;
import software.amazon.awssdk.core.FileTransformerConfiguration.FailureBehavior;
import software.amazon.awssdk.core.FileTransformerConfiguration.FileWriteOption;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads objects: as a stream (one GET, or a {@link RangedReader} for an object larger than one
 * range), or into a file (one GET up to the part size, else parallel ranged GETs written in place,
 * at most the download concurrency in flight). Every read checks the length it gets; a failed
 * download leaves no file behind. With a throttle, downloads are paced by their ranges: ranges of an
 * eighth of a second at the limit, each asked for when the throttle's schedule reaches it. Safe for
 * any thread.
 */
public final class Downloader {

  private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

  private final S3Access access;
  private final String location;
  private final long partSize;
  private final int concurrency;

  /**
   * Creates the downloader of one replica.
   *
   * @param config the replica's configuration (part size, download concurrency)
   * @param access its place in the bucket
   */
  public Downloader(S3Config config, S3Access access) {
    this.access = access;
    this.location = config.location();
    this.partSize = config.partSize();
    this.concurrency = config.downloadConcurrency();
  }

  /**
   * Opens an object with one GET.
   *
   * @param key the replica key
   * @return the object's bytes, streamed
   * @throws java.nio.file.NoSuchFileException if there is no such object
   * @throws IOException if the store fails
   */
  public InputStream open(String key) throws IOException {
    String full = access.full(key);
    InputStream in = get(full);
    // size unknown: paced as it is read (a small object, such as the claim)
    return access.throttle() == null ? in : io.litewake.internal.Paced.input(in, access.throttle());
  }

  /** One unpaced GET: on the synchronous client when there is one. */
  private InputStream get(String full) throws IOException {
    S3Client sync = access.sync();
    if (sync != null) {
      GetObjectRequest req = access.get(full).build();
      return access.call(() -> sync.getObject(req), "s3:GetObject", access.where(full));
    }
    return access.await(
        access.plain().getObject(access.get(full).build(), AsyncResponseTransformer.toBlockingInputStream()),
        "s3:GetObject", access.where(full));
  }

  /**
   * The range size of a throttled download: an eighth of a second at the limit, between 64 KiB and
   * {@link RangedReader#RANGE}. Each range is asked for when the schedule reaches it, so that what
   * arrives at once (whatever the TCP buffers hold) is one range: smooth at the second.
   */
  static int pacedRange(Throttle t) {
    return (int) Math.max(64 * 1024, Math.min(RangedReader.RANGE, t.bytesPerSecond() / 8));
  }

  /**
   * Opens a listed object: parallel ranged GETs read in order when it is larger than one range.
   *
   * @param object the listed object
   * @return the object's bytes, streamed
   * @throws IOException if the store fails
   */
  public InputStream open(StoredObject object) throws IOException {
    if (object == null) {
      throw new IllegalArgumentException("object must not be null");
    }
    String full = access.full(object.key());
    Throttle t = access.throttle();
    if (t != null) {
      if (object.size() <= pacedRange(t)) {
        t.acquire(object.size());
        return get(full);
      }
      return new RangedReader(access, full, object.size(), concurrency, pacedRange(t), t);
    }
    if (object.size() <= RangedReader.RANGE) {
      return open(object.key());
    }
    return new RangedReader(access, full, object.size(), concurrency);
  }

  /**
   * Downloads a listed object into a file, replacing it; removes the file if the download fails.
   *
   * @param object the listed object
   * @param target the file
   * @throws IOException if the store fails or the bytes are not all there
   */
  public void download(StoredObject object, Path target) throws IOException {
    if (object == null || target == null) {
      throw new IllegalArgumentException("object and target must not be null");
    }
    String full = access.full(object.key());
    long size = object.size();
    Throttle t = access.throttle();
    long rangeSize = t == null ? partSize : pacedRange(t);
    long started = System.nanoTime();
    boolean ok = false;
    try {
      if (size <= rangeSize) {
        if (t != null) {
          t.acquire(size);
        }
        downloadWhole(full, target);
      } else {
        downloadRanges(full, size, target, rangeSize, t);
      }
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(target);
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: downloaded {} ({} bytes) in {} ms", location, object.key(), size,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /** One GET into the file (on the synchronous client when there is one), its length checked. */
  private void downloadWhole(String full, Path target) throws IOException {
    Long expected;
    if (access.sync() != null) {
      try (ResponseInputStream<GetObjectResponse> in = (ResponseInputStream<GetObjectResponse>) get(full)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        expected = in.response().contentLength();
      }
    } else {
      expected = access.await(
          access.plain().getObject(access.get(full).build(), AsyncResponseTransformer.toFile(target,
              FileTransformerConfiguration.builder()
                  .fileWriteOption(FileWriteOption.CREATE_OR_REPLACE_EXISTING)
                  .failureBehavior(FailureBehavior.DELETE)
                  .build())),
          "s3:GetObject", access.where(full)).contentLength();
    }
    long got = Files.size(target);
    if (expected != null && expected != got) {
      throw new IOException("download of " + access.where(full) + " is truncated: got " + got + " of " + expected
          + " bytes");
    }
  }

  /** Parallel ranged GETs into the file; with a throttle, each asked for when the schedule reaches it. */
  private void downloadRanges(String full, long size, Path target, long rangeSize, Throttle throttle)
      throws IOException {
    if (access.sync() != null) {
      downloadRangesSync(full, size, target, rangeSize, throttle);
      return;
    }
    String where = access.where(full);
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.force(false);
    }
    Semaphore slots = new Semaphore(concurrency);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<String> etag = new AtomicReference<>();
    List<CompletableFuture<GetObjectResponse>> futures = new ArrayList<>();
    try {
      for (long start = 0; start < size && failure.get() == null; start += rangeSize) {
        long end = Math.min(size, start + rangeSize) - 1;
        if (throttle != null) {
          throttle.acquire(end - start + 1);
        }
        slots.acquire();
        if (failure.get() != null) {
          slots.release();
          break;
        }
        long expectedLength = end - start + 1;
        CompletableFuture<GetObjectResponse> f = access.plain().getObject(
            access.get(full).range("bytes=" + start + "-" + end).build(),
            AsyncResponseTransformer.toFile(target, FileTransformerConfiguration.builder()
                .fileWriteOption(FileWriteOption.WRITE_TO_POSITION)
                .position(start)
                .failureBehavior(FailureBehavior.LEAVE)
                .build()));
        long rangeStart = start;
        f.whenComplete((resp, t) -> {
          slots.release();
          if (t != null) {
            failure.compareAndSet(null, t);
            return;
          }
          String first = resp.eTag() == null ? etag.get() : etag.updateAndGet(e -> e == null ? resp.eTag() : e);
          String problem = RangedReader.rangeProblem(resp, resp.contentLength(), rangeStart, expectedLength,
              size, first);
          if (problem != null) {
            failure.compareAndSet(null, new IOException("download of " + where + " failed: " + problem));
          }
        });
        futures.add(f);
      }
      for (CompletableFuture<GetObjectResponse> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // recorded in failure by whenComplete
        }
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + where + " was interrupted");
    }
    Throwable t = failure.get();
    if (t != null) {
      futures.forEach(f -> f.cancel(true));
      throw access.translate(t, "s3:GetObject", where);
    }
    long got = Files.size(target);
    if (got != size) {
      throw new IOException("download of " + where + " wrote " + got + " bytes, expected " + size);
    }
  }

  /**
   * Ranged GETs on the synchronous client, {@code concurrency} at once, each written at its place in
   * the file; with a throttle, each asked for when the schedule reaches it.
   */
  private void downloadRangesSync(String full, long size, Path target, long rangeSize, Throttle throttle)
      throws IOException {
    String where = access.where(full);
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      AtomicReference<String> etag = new AtomicReference<>();
      Semaphore slots = new Semaphore(concurrency);
      try {
        for (long start = 0; start < size; start += rangeSize) {
          long s0 = start;
          long end = Math.min(size, start + rangeSize) - 1;
          if (throttle != null) {
            throttle.acquire(end - s0 + 1);
          }
          slots.acquire();
          futures.add(CompletableFuture.runAsync(() -> {
            try {
              writeRange(ch, full, s0, end, size, etag);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            } finally {
              slots.release();
            }
          }, RangedReader.POOL));
          if (futures.stream().anyMatch(CompletableFuture::isCompletedExceptionally)) {
            break;
          }
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
      } catch (InterruptedException e) {
        futures.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("download of " + where + " was interrupted");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw c instanceof java.io.UncheckedIOException u ? u.getCause() : access.translate(c, "s3:GetObject", where);
      }
      if (ch.size() != size) {
        throw new IOException("download of " + where + " wrote " + ch.size() + " bytes, expected " + size);
      }
    }
  }

  private void writeRange(FileChannel ch, String full, long start, long end, long size, AtomicReference<String> etag)
      throws IOException {
    GetObjectRequest req = access.get(full).range("bytes=" + start + "-" + end).build();
    S3Client sync = access.sync();
    try (ResponseInputStream<GetObjectResponse> in =
        access.call(() -> sync.getObject(req), "s3:GetObject", access.where(full))) {
      GetObjectResponse resp = in.response();
      String first = resp.eTag() == null ? etag.get() : etag.updateAndGet(e -> e == null ? resp.eTag() : e);
      String problem = RangedReader.rangeProblem(resp, resp.contentLength(), start, end - start + 1, size, first);
      if (problem != null) {
        throw new IOException("download of " + access.where(full) + " failed: " + problem);
      }
      byte[] buf = new byte[1 << 16];
      long pos = start;
      int n;
      while ((n = in.read(buf)) > 0) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          pos += ch.write(b, pos);
        }
      }
      if (pos != end + 1) {
        throw new IOException("download of " + access.where(full) + " failed: range at " + start + " ended after "
            + (pos - start) + " of " + (end - start + 1) + " bytes");
      }
    }
  }
}
