package io.litewake.s3.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallLocation;

/**
 * The server-side encryption of one replica's objects, and the one place that puts its headers
 * on requests: {@link #apply} sets every encryption header a request kind takes. A write ({@code
 * PutObject}, {@code CreateMultipartUpload}) gets SSE-S3 or SSE-KMS and the SSE-C key; a read
 * ({@code GetObject}, {@code HeadObject}) or a part upload gets only the SSE-C key, because those
 * are the only encryption headers the SDK's request kinds carry. Immutable; {@link #toString()}
 * names the kind, never the key.
 */
public final class SseSettings {

  /** No server-side encryption requested (the bucket's default applies). */
  public static final SseSettings NONE = new SseSettings("none", Map.of(), true);

  private static final String SSE = "x-amz-server-side-encryption";
  private static final String KMS_KEY_ID = "x-amz-server-side-encryption-aws-kms-key-id";
  private static final String CUSTOMER_ALGORITHM = "x-amz-server-side-encryption-customer-algorithm";
  private static final String CUSTOMER_KEY = "x-amz-server-side-encryption-customer-key";
  private static final String CUSTOMER_KEY_MD5 = "x-amz-server-side-encryption-customer-key-md5";

  private final String description;
  /** Header name (lower case) to value. */
  private final Map<String, String> headers;
  private final boolean etagIsMd5;

  private SseSettings(String description, Map<String, String> headers, boolean etagIsMd5) {
    this.description = description;
    this.headers = headers;
    this.etagIsMd5 = etagIsMd5;
  }

  /**
   * SSE-S3: objects encrypted with S3-managed keys ({@code AES256}).
   *
   * @return the settings
   */
  public static SseSettings s3() {
    return new SseSettings("SSE-S3", Map.of(SSE, "AES256"), true);
  }

  /**
   * SSE-KMS: objects encrypted with an AWS KMS key.
   *
   * @param keyId the key id, alias or ARN; {@code null} for the account's default {@code aws/s3}
   * @return the settings
   */
  public static SseSettings kms(String keyId) {
    return keyId == null
        ? new SseSettings("SSE-KMS", Map.of(SSE, "aws:kms"), false)
        : new SseSettings("SSE-KMS (" + keyId + ")", Map.of(SSE, "aws:kms", KMS_KEY_ID, keyId), false);
  }

  /**
   * SSE-C: objects encrypted with the caller's 256-bit key, sent with every request.
   *
   * @param key 32 bytes
   * @return the settings
   */
  public static SseSettings customerKey(byte[] key) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new SseSettings("SSE-C", Map.of(
        CUSTOMER_ALGORITHM, "AES256",
        CUSTOMER_KEY, b64.encodeToString(key),
        CUSTOMER_KEY_MD5, b64.encodeToString(md5(key))), false);
  }

  /**
   * Sets every encryption header of these settings that the request kind takes.
   *
   * @param <B> the request builder type
   * @param request a request builder of the SDK, such as {@code GetObjectRequest.builder()}
   * @return {@code request}
   */
  public <B extends SdkPojo> B apply(B request) {
    if (headers.isEmpty()) {
      return request;
    }
    for (SdkField<?> field : request.sdkFields()) {
      if (field.location() == MarshallLocation.HEADER) {
        String value = headers.get(field.locationName().toLowerCase(Locale.ROOT));
        if (value != null) {
          field.set(request, value);
        }
      }
    }
    return request;
  }

  /**
   * Whether the store's ETag of an object uploaded in one request is the MD5 of its bytes: true
   * unless SSE-KMS or SSE-C.
   *
   * @return whether ETags can be checked against MD5s
   */
  public boolean etagIsMd5() {
    return etagIsMd5;
  }

  /**
   * Whether any encryption was requested.
   *
   * @return false for {@link #NONE}
   */
  public boolean isSet() {
    return this != NONE;
  }

  /**
   * The kind, for messages: {@code SSE-S3}, {@code SSE-KMS (KEY-ID)} or {@code SSE-C}.
   *
   * @return a description without any secret
   */
  @Override
  public String toString() {
    return description;
  }

  private static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
