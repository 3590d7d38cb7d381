package io.litewake.s3.internal;

import io.litewake.spi.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.transfer.s3.model.FileUpload;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * Uploads files, one part with one PUT on the synchronous client, larger ones through the S3
 * Transfer Manager (parallel parts above the part size), with the
 * storage class of their kind and the replica's encryption, and proves each upload: the {@link
 * IntegrityInterceptor} of a client built by Litewake sends a {@code Content-MD5} per request, and
 * an upload whose answer does not prove the whole object (multipart, no MD5 ETag, the caller's
 * client) is checked with a {@code HEAD}: its size, and its ETag where that is an MD5. Safe for
 * any thread; the transfer manager is its own.
 */
public final class Uploader {

  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

  private final S3Access access;
  private final S3Clients clients;
  /** Null with the caller's client. */
  private final IntegrityInterceptor integrity;
  private final String bucket;
  private final String location;
  private final StorageClass snapshotStorageClass;
  private final StorageClass walStorageClass;
  private final SseSettings sse;
  private final ObjectLock objectLock;
  private final long partSize;

  /**
   * Creates the uploader of one replica.
   *
   * @param config the replica's configuration
   * @param clients its clients; uploads use the multipart one
   * @param access its place in the bucket
   */
  public Uploader(S3Config config, S3Clients clients, S3Access access) {
    this.access = access;
    this.clients = clients;
    this.integrity = clients.integrity();
    this.bucket = config.bucket();
    this.location = config.location();
    this.snapshotStorageClass = config.snapshotStorageClass();
    this.walStorageClass = config.walStorageClass();
    this.sse = config.sse();
    this.objectLock = config.objectLock();
    this.partSize = config.partSize();
  }

  /**
   * Uploads a file, replacing any object under the key.
   *
   * @param key the replica key
   * @param source the file
   * @return the stored object
   * @throws IOException if the upload fails or is not proven whole
   */
  public StoredObject put(String key, Path source) throws IOException {
    return put(key, source, false);
  }

  /**
   * Uploads with {@code If-None-Match: *} (also on the completion of a multipart upload).
   *
   * @param key the replica key
   * @param source the file
   * @return the stored object, or {@code null} when the store answers 412 because the key exists
   * @throws IOException if the upload fails or is not proven whole
   */
  public StoredObject putIfAbsent(String key, Path source) throws IOException {
    try {
      return put(key, source, true);
    } catch (IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof S3Exception s3e && s3e.statusCode() == 412) {
          return null;
        }
      }
      throw e;
    }
  }

  private StoredObject put(String key, Path source, boolean ifAbsent) throws IOException {
    String full = access.full(key);
    if (source == null) {
      throw new IllegalArgumentException("source must not be null");
    }
    long size = Files.size(source);
    PutObjectRequest.Builder req =
        PutObjectRequest.builder().bucket(bucket).key(full).contentType("application/octet-stream");
    if (ifAbsent) {
      req.ifNoneMatch("*");
    }
    StorageClass sc = storageClassFor(full);
    if (sc != null) {
      req.storageClass(sc);
    }
    sse.apply(req);
    if (objectLock != null) {
      objectLock.apply(req);
    }
    boolean etagIsMd5 = sse.etagIsMd5();
    long started = System.nanoTime();
    // built before anything is registered: building the async client may fail
    PacedHttpClient pacing = access.throttle() != null ? clients.pacing() : null;
    if (integrity != null) {
      integrity.register(full, new IntegrityInterceptor.Upload(source, size, partSize, etagIsMd5));
    }
    if (pacing != null) {
      pacing.register(full, access.throttle());
    } else if (access.pacesWholeUploads()) {
      access.throttle().acquire(size);
    }
    boolean verifiedWhole = false;
    try {
      S3Client sync = access.sync();
      if (sync != null && size <= partSize && pacing == null) {
        // one part: one PUT on the synchronous client (the multipart client is built only for large objects;
        // throttled uploads go through it too, paced on their way out)
        PutObjectRequest put = req.build();
        access.call(() -> sync.putObject(put, RequestBody.fromFile(source)), "s3:PutObject", access.where(full));
      } else {
        FileUpload upload =
            clients.transferManager().uploadFile(
                UploadFileRequest.builder().putObjectRequest(req.build()).source(source).build());
        access.await(upload.completionFuture(), "s3:PutObject", access.where(full));
      }
      verifiedWhole = integrity != null && integrity.verifiedWhole(full);
    } finally {
      if (integrity != null) {
        integrity.unregister(full);
      }
      if (pacing != null) {
        pacing.unregister(full);
      }
    }
    if (verifiedWhole) {
      // the store answered with the MD5 of exactly the bytes sent: nothing to read back
      if (LOG.isDebugEnabled()) {
        LOG.debug("{}: put {} ({} bytes, ETag verified) in {} ms", location, key, size,
            (System.nanoTime() - started) / 1_000_000);
      }
      return new StoredObject(key, size, Instant.now());
    }
    HeadObjectResponse head = access.head(full);
    if (head.contentLength() == null || head.contentLength() != size) {
      throw new IOException(
          "upload of " + access.where(full) + " is damaged: the store holds " + head.contentLength()
              + " bytes but " + size + " were sent; check the store (it must support multipart"
              + " uploads and the compatible wire format)");
    }
    if (integrity == null && etagIsMd5 && head.eTag() != null) {
      String etag = head.eTag().replace("\"", "").toLowerCase(Locale.ROOT);
      if (etag.matches("[0-9a-f]{32}")) {
        String expected = HexFormat.of().formatHex(IntegrityInterceptor.md5(source, 0, size));
        if (!etag.equals(expected)) {
          throw new IOException(
              "upload of " + access.where(full) + " was corrupted in transit: the store reports MD5 "
                  + etag + " but the file has MD5 " + expected);
        }
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: put {} ({} bytes) in {} ms", location, key, size,
          (System.nanoTime() - started) / 1_000_000);
    }
    return new StoredObject(key, size, head.lastModified());
  }

  private StorageClass storageClassFor(String fullKey) {
    if (fullKey.contains("/snapshots/")) {
      return snapshotStorageClass;
    }
    if (fullKey.contains("/wal/")) {
      return walStorageClass;
    }
    return null;
  }

}
