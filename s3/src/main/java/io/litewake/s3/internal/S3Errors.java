package io.litewake.s3.internal;

import io.litewake.spi.ReplicaConfigurationException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Turns SDK failures into {@link IOException}s whose messages say what failed, where, and what
 * to do about it.
 */
public final class S3Errors {

  private static final Pattern EXPECTED_REGION = Pattern.compile("expecting '([a-z0-9-]+)'");
  private static final Pattern REGION_ELEMENT = Pattern.compile("<Region>([a-z0-9-]+)</Region>");

  private S3Errors() {}

  /**
   * Translates a failure of one S3 call.
   *
   * @param failure what the SDK threw or completed a future with
   * @param action the IAM action the call needs, such as {@code s3:GetObject}
   * @param what the object or prefix, as {@code s3://bucket/key}
   * @param context the replica: endpoint and region in use, for messages
   * @return an exception to throw: {@link NoSuchFileException} for a missing key
   */
  public static IOException translate(Throwable failure, String action, String what, Context context) {
    Throwable t = unwrap(failure);
    if (t instanceof IOException io && !(t.getCause() instanceof S3Exception)) {
      return io;
    }
    if (t instanceof S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      String awsMessage = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      String rid = e.requestId() == null ? "" : " (request id " + e.requestId() + ")";
      int status = e.statusCode();
      if ("NoSuchBucket".equals(code)) {
        return new ReplicaConfigurationException(
            "bucket "
                + context.bucket()
                + " does not exist at "
                + context.endpointDescription()
                + ": create the bucket, or fix the bucket name, endpoint or region in the replica"
                + " URI "
                + context.location()
                + rid,
            e);
      }
      if ("InvalidObjectState".equals(code)) {
        return archived(e, what, context, rid);
      }
      if ("InvalidRequest".equals(code) && awsMessage != null && awsMessage.contains("Object Lock")) {
        return new ReplicaConfigurationException(
            "the store refused " + action + " on " + what + " because of S3 Object Lock (" + awsMessage + "):"
                + (awsMessage.contains("missing Object Lock")
                    ? " the bucket " + context.bucket() + " was not created with Object Lock; create one with"
                        + " Object Lock enabled, or remove object-lock-mode and object-lock-retention from the"
                        + " replica URI (objectLockRetention on the builder)"
                    : " the bucket requires a Content-MD5 or checksum on every upload; use the client Litewake"
                        + " builds (it sends Content-MD5), or enable checksums on your own client")
                + rid,
            e);
      }
      if ("NoSuchKey".equals(code) || (status == 404 && code == null) || (status == 404 && "NotFound".equals(code))) {
        NoSuchFileException nsf = new NoSuchFileException(what, null, "no such object in the replica" + rid);
        nsf.initCause(e);
        return nsf;
      }
      if ("InvalidAccessKeyId".equals(code)) {
        return new ReplicaConfigurationException(
            "the store at "
                + context.endpointDescription()
                + " does not know the access key id from "
                + context.accessKeyDescription()
                + " used for "
                + action
                + " on "
                + what
                + ": check the access-key parameter of the replica URI, the credentials provider,"
                + " or AWS_ACCESS_KEY_ID / the AWS profile"
                + rid,
            e);
      }
      if ("SignatureDoesNotMatch".equals(code)) {
        return new ReplicaConfigurationException(
            "the store at "
                + context.endpointDescription()
                + " rejected the request signature for "
                + action
                + " on "
                + what
                + ": the secret access key does not belong to the access key id (from "
                + context.accessKeyDescription()
                + ")"
                + " (check secret-access-key, AWS_SECRET_ACCESS_KEY or the AWS profile; also"
                + " the host clock)"
                + rid,
            e);
      }
      if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code) || (status == 403 && code == null)) {
        return new java.nio.file.AccessDeniedException(
            what,
            null,
            "access denied: "
                + action
                + " on "
                + what
                + " is not allowed for "
                + context.accessKeyDescription()
                + "; grant "
                + action
                + " on that key/prefix (S3IamPolicy.replicate(uri) or S3IamPolicy.restore(uri) prints"
                + " the minimal policy)"
                + rid);
      }
      if ("PermanentRedirect".equals(code)
          || "AuthorizationHeaderMalformed".equals(code)
          || "IllegalLocationConstraintException".equals(code)
          || status == 301) {
        String right = bucketRegion(e);
        return new ReplicaConfigurationException(
            "bucket "
                + context.bucket()
                + " is not in region "
                + context.regionDescription()
                + (right == null ? "" : " but in " + right)
                + ": set region="
                + (right == null ? "<the bucket's region>" : right)
                + " in the replica URI (or the builder's region(...))"
                + rid,
            e);
      }
      if ("BadDigest".equals(code) || "InvalidDigest".equals(code)
          || "XAmzContentSHA256Mismatch".equals(code)) {
        return new IOException(
            "upload of "
                + what
                + " was corrupted in transit: the store computed a different checksum (MD5 or"
                + " SHA-256) than the bytes sent ("
                + code
                + "); nothing was stored. Check proxies between this host and the store"
                + rid,
            e);
      }
      if ("SlowDown".equals(code) || status == 503 || status >= 500) {
        return new IOException(
            action
                + " on "
                + what
                + " failed after retries: the store at "
                + context.endpointDescription()
                + " answered "
                + status
                + " "
                + (code == null ? "" : code)
                + " ("
                + awsMessage
                + "); it is overloaded or down, Litewake will try again later"
                + rid,
            e);
      }
      return new IOException(
          action + " on " + what + " failed: " + status + " " + code + ": " + awsMessage + rid, e);
    }
    if (t instanceof SdkClientException && t.getMessage() != null
        && t.getMessage().contains("Unable to load credentials")) {
      // the default chain's own message lists every provider's failure (about 2 KB): say it once
      return new ReplicaConfigurationException(
          "no AWS credentials for "
              + action
              + " on "
              + what
              + ": "
              + context.accessKeyDescription()
              + " found none (it tries the system properties aws.accessKeyId and"
              + " aws.secretAccessKey, the environment variables AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, web identity tokens, the profile in ~/.aws/credentials"
              + " (AWS_PROFILE), and the container or instance role); set one of those, or the"
              + " access-key and secret-access-key parameters of the replica URI",
          null);
    }
    if (t instanceof SdkClientException || t instanceof ApiCallTimeoutException
        || t instanceof ApiCallAttemptTimeoutException) {
      // a retried call reports the last attempt; earlier attempts are suppressed exceptions
      Throwable root = unreachable(t, new HashSet<>());
      boolean acquireTimeout = t.getMessage() != null && t.getMessage().contains("Acquire operation took longer");
      if (root != null || acquireTimeout) {
        // the SDK's Netty pool now and then reports a refused connection as an acquire timeout
        return new IOException(
            "cannot reach the S3 endpoint "
                + context.endpointDescription()
                + " for "
                + action
                + " on "
                + what
                + (root != null
                    ? " (" + root + ")"
                    : ": no connection could be opened in time (the endpoint is unreachable, not an"
                        + " S3 server, or overloaded)")
                + "; check the endpoint parameter, DNS and network; Litewake keeps retrying",
            t);
      }
      if (t.getMessage() != null && t.getMessage().contains("Unable to execute HTTP request")) {
        return new IOException(
            "cannot talk to the S3 endpoint "
                + context.endpointDescription()
                + " for "
                + action
                + " on "
                + what
                + ": "
                + t.getMessage(),
            t);
      }
      return new IOException(action + " on " + what + " failed: " + t.getMessage(), t);
    }
    if (t instanceof CancellationException) {
      InterruptedIOException e = new InterruptedIOException(action + " on " + what + " was cancelled");
      e.initCause(t);
      return e;
    }
    return new IOException(action + " on " + what + " failed: " + t, t);
  }

  /**
   * The storage classes whose objects a GET reads directly (no restore request first): listed in
   * messages and in the README's {@code storage-class} documentation.
   */
  public static final String READABLE_STORAGE_CLASSES = "STANDARD, INTELLIGENT_TIERING (its frequent,"
      + " infrequent and archive instant access tiers), STANDARD_IA, ONEZONE_IA, GLACIER_IR, REDUCED_REDUNDANCY,"
      + " EXPRESS_ONEZONE";

  /**
   * An object a GET cannot read until it is restored from an archive storage class ({@code
   * GLACIER}, {@code DEEP_ARCHIVE}, the archive tiers of {@code INTELLIGENT_TIERING}): permanent for
   * this call, and the message says which object, which class, and what to do.
   */
  private static IOException archived(S3Exception e, String what, Context context, String rid) {
    String raw = e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null ? ""
        : e.awsErrorDetails().rawResponse().asUtf8String();
    String storageClass = element(raw, "StorageClass");
    String tier = element(raw, "AccessTier");
    String prefix = "s3://" + context.bucket() + "/";
    String key = what.startsWith(prefix) ? what.substring(prefix.length()) : what;
    boolean intelligent = tier != null || "INTELLIGENT_TIERING".equals(storageClass);
    return new ReplicaConfigurationException(
        "object " + what + " is in storage class " + (storageClass == null ? "(the store did not say which)"
            : storageClass) + (tier == null ? "" : ", access tier " + tier) + ", which cannot be read directly"
            + " (InvalidObjectState): restore it first ("
            + (intelligent ? "aws s3api restore-object --bucket " + context.bucket() + " --key " + key
                + " --restore-request '{}'"
                : "aws s3api restore-object --bucket " + context.bucket() + " --key " + key
                    + " --restore-request '{\"Days\":2,\"GlacierJobParameters\":{\"Tier\":\"Standard\"}}'")
            + ", for every archived object the restore needs), wait until it is readable, then retry; or keep"
            + " snapshots and WAL segments in a class restores read directly: " + READABLE_STORAGE_CLASSES
            + " (storage-class in the replica URI, or snapshotStorageClass/walStorageClass; move archived objects"
            + " with a lifecycle transition only after they left the retention window)" + rid,
        e);
  }

  /**
   * Warns, once per replica, when its objects go to a class restores cannot read directly.
   *
   * @param config the replica's configuration
   */
  public static void warnIfArchived(S3Config config) {
    for (StorageClass sc : new StorageClass[] {config.snapshotStorageClass(), config.walStorageClass()}) {
      if (sc == StorageClass.GLACIER || sc == StorageClass.DEEP_ARCHIVE) {
        org.slf4j.LoggerFactory.getLogger(S3Errors.class).warn("{}: storage class {} cannot be read without a"
            + " restore request first: restores from this replica fail until every object they need is restored;"
            + " use a class restores read directly ({})", config.location(), sc, READABLE_STORAGE_CLASSES);
        return;
      }
    }
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
    return m.find() ? m.group(1).trim() : null;
  }

  /** The connection failure in a cause chain or among earlier attempts' failures, or null. */
  private static Throwable unreachable(Throwable t, Set<Throwable> seen) {
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      if (c instanceof ConnectException
          || c instanceof UnknownHostException
          || c instanceof UnresolvedAddressException) {
        return c;
      }
      for (Throwable s : c.getSuppressed()) {
        Throwable found = unreachable(s, seen);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * Strips {@link CompletionException} and {@link ExecutionException} wrappers.
   *
   * @param t a failure
   * @return the innermost meaningful cause
   */
  public static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException
            || (cur instanceof SdkClientException && cur.getCause() instanceof S3Exception))
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  private static String bucketRegion(S3Exception e) {
    if (e.awsErrorDetails() != null && e.awsErrorDetails().sdkHttpResponse() != null) {
      var header = e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
      if (header.isPresent()) {
        return header.get();
      }
    }
    String msg = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = EXPECTED_REGION.matcher(msg);
    if (m.find()) {
      return m.group(1);
    }
    if (e.awsErrorDetails() != null && e.awsErrorDetails().rawResponse() != null) {
      Matcher r = REGION_ELEMENT.matcher(e.awsErrorDetails().rawResponse().asUtf8String());
      if (r.find()) {
        return r.group(1);
      }
    }
    return null;
  }

  /** What messages need to know about the replica. */
  public interface Context {
    /**
     * The bucket or access point.
     *
     * @return a printable name
     */
    String bucket();

    /**
     * The replica location with secrets masked.
     *
     * @return a printable location
     */
    String location();

    /**
     * The endpoint in use.
     *
     * @return a printable endpoint, such as {@code AWS S3 (us-east-1)} or a URL
     */
    String endpointDescription();

    /**
     * The region requests are signed for.
     *
     * @return a region name or a description
     */
    String regionDescription();

    /**
     * The access key id in use, masked, or a description of the credentials source.
     *
     * @return a printable description
     */
    String accessKeyDescription();
  }
}
