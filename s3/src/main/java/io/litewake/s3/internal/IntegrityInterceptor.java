package io.litewake.s3.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Proves upload integrity end to end on the client Litewake builds: every {@code PutObject} and
 * every {@code UploadPart} of a registered upload carries the {@code Content-MD5} of exactly the
 * bytes of the source file it sends, so a store (or anything in between) that changes a byte
 * rejects the request with {@code BadDigest}; and when the store answers with an MD5 ETag (no
 * SSE-KMS, no SSE-C) it must match, which catches stores that ignore {@code Content-MD5}.
 *
 * <p>It also turns a denied {@code AbortMultipartUpload} into a warning naming the lifecycle
 * rule that cleans up, because minimal policies do not grant it.
 */
public final class IntegrityInterceptor implements ExecutionInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(IntegrityInterceptor.class);
  private static final ExecutionAttribute<String> EXPECTED_MD5_HEX =
      new ExecutionAttribute<>("litewake.expectedMd5Hex");
  private static final ExecutionAttribute<String> PART_NAME =
      new ExecutionAttribute<>("litewake.partName");

  /**
   * A file being uploaded under a key.
   *
   * @param source the file
   * @param size its size when the upload started
   * @param partSize the multipart part size of the client
   * @param etagIsMd5 whether the store's ETags are MD5s of the content (false under SSE-KMS/SSE-C)
   */
  public record Upload(Path source, long size, long partSize, boolean etagIsMd5) {}

  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  private final Set<String> verified = ConcurrentHashMap.newKeySet();
  private final String location;
  private final boolean compatible;

  /**
   * Creates an interceptor for one replica.
   *
   * @param location the replica's masked location, for messages
   * @param compatible whether the store is S3-compatible rather than AWS: then headers that
   *     strict stores reject as unknown ({@code x-amz-mp-object-size}) are not sent
   */
  public IntegrityInterceptor(String location, boolean compatible) {
    this.location = location;
    this.compatible = compatible;
  }

  /**
   * Registers an upload before it starts.
   *
   * @param fullKey the object key in the bucket
   * @param upload the source
   * @throws IllegalStateException if an upload of the same key is already running
   */
  public void register(String fullKey, Upload upload) {
    if (uploads.putIfAbsent(fullKey, upload) != null) {
      throw new IllegalStateException(
          "an upload of " + fullKey + " to " + location + " is already running");
    }
  }

  /**
   * Forgets an upload once it has finished or failed.
   *
   * @param fullKey the object key in the bucket
   */
  public void unregister(String fullKey) {
    uploads.remove(fullKey);
    verified.remove(fullKey);
  }

  /**
   * Whether a registered single-request upload was answered with the MD5 ETag of exactly the
   * bytes sent: the store then provably holds the whole object, and no read-back is needed.
   *
   * @param fullKey the object key in the bucket
   * @return true only for a {@code PutObject} whose ETag matched
   */
  public boolean verifiedWhole(String fullKey) {
    return verified.contains(fullKey);
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (compatible
        && request instanceof CompleteMultipartUploadRequest complete
        && complete.mpuObjectSize() != null) {
      // S3Proxy and others answer 501 NotImplemented to this optional header
      return complete.toBuilder().mpuObjectSize(null).build();
    }
    if (request instanceof PutObjectRequest put) {
      Upload upload = uploads.get(put.key());
      if (upload == null) {
        return request;
      }
      byte[] md5 = md5(upload.source(), 0, upload.size());
      if (upload.etagIsMd5()) {
        attributes.putAttribute(EXPECTED_MD5_HEX, HexFormat.of().formatHex(md5));
        attributes.putAttribute(PART_NAME, put.key());
      }
      return put.toBuilder().contentMD5(Base64.getEncoder().encodeToString(md5)).build();
    }
    if (request instanceof UploadPartRequest part) {
      Upload upload = uploads.get(part.key());
      if (upload == null) {
        return request;
      }
      long start = (part.partNumber() - 1L) * upload.partSize();
      long length = Math.min(upload.partSize(), upload.size() - start);
      if (start < 0 || length <= 0) {
        throw SdkClientException.create(
            "part " + part.partNumber() + " of " + part.key() + " is outside the file "
                + upload.source());
      }
      byte[] md5 = md5(upload.source(), start, length);
      if (upload.etagIsMd5()) {
        attributes.putAttribute(EXPECTED_MD5_HEX, HexFormat.of().formatHex(md5));
        attributes.putAttribute(PART_NAME, "part " + part.partNumber() + " of " + part.key());
      }
      return part.toBuilder().contentMD5(Base64.getEncoder().encodeToString(md5)).build();
    }
    return request;
  }

  @Override
  public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
    String expected = attributes.getAttribute(EXPECTED_MD5_HEX);
    if (expected == null) {
      return context.response();
    }
    String etag = null;
    if (context.response() instanceof PutObjectResponse r) {
      etag = r.eTag();
    } else if (context.response() instanceof UploadPartResponse r) {
      etag = r.eTag();
    }
    String actual = etag == null ? null : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
    if (actual != null && actual.equals(expected) && context.response() instanceof PutObjectResponse) {
      verified.add(attributes.getAttribute(PART_NAME));
    }
    if (actual != null && actual.matches("[0-9a-f]{32}") && !actual.equals(expected)) {
      throw SdkClientException.create(
          "upload corrupted in transit: the store at "
              + location
              + " reports MD5 "
              + actual
              + " for "
              + attributes.getAttribute(PART_NAME)
              + " but the bytes sent have MD5 "
              + expected
              + "; the upload is rejected (check proxies between this host and the store)");
    }
    return context.response();
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof AbortMultipartUploadRequest abort
        && context.exception() instanceof S3Exception e
        && e.statusCode() == 403) {
      warnAbortDenied(location, abort.key(), abort.uploadId());
    }
  }

  /**
   * Logs that an incomplete multipart upload could not be aborted.
   *
   * @param location the replica location, masked
   * @param key the object key
   * @param uploadId the multipart upload id
   */
  public static void warnAbortDenied(String location, String key, String uploadId) {
    LOG.warn(
        "{}: could not abort the failed multipart upload {} of {} (s3:AbortMultipartUpload is"
            + " not granted, as in Litewake's minimal policy); its parts stay billed until an S3"
            + " lifecycle rule \"AbortIncompleteMultipartUpload\" (e.g. DaysAfterInitiation=1)"
            + " on the bucket removes them. Carrying on.",
        location,
        uploadId,
        key);
  }

  /**
   * Computes the MD5 of a range of a file, reading it in 64 KiB blocks.
   *
   * @param file the file
   * @param start the first byte
   * @param length the number of bytes
   * @return the digest
   */
  public static byte[] md5(Path file, long start, long length) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available in this JVM", e);
    }
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = start;
      long end = start + length;
      while (pos < end) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException(file + " shrank while it was being uploaded");
        }
        buf.flip();
        md.update(buf);
        pos += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return md.digest();
  }
}
