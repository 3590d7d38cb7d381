package io.litewake.s3.internal;

import io.litewake.LitewakeException;
import io.litewake.internal.Redact;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * A parsed {@code s3://} replica URI: {@code s3://BUCKET/PREFIX?params} or
 * {@code s3://arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME[/PREFIX]?params}.
 *
 * <p>{@link java.net.URI} cannot parse an ARN authority (it holds colons), so the raw string is
 * parsed here. Query parameters are named as TiDB BR names them; {@link #settings(URI)} maps
 * them to replica settings.
 */
public final class S3Uri {

  /** Every query parameter an {@code s3://} URI accepts, in the order they are documented. */
  public static final List<String> PARAMETERS =
      List.of(
          "endpoint",
          "region",
          "force-path-style",
          "storage-class",
          "sse",
          "sse-kms-key-id",
          "access-key",
          "secret-access-key",
          "object-lock-mode",
          "object-lock-retention");

  private final String bucket;
  private final String prefix;
  private final AccessPointArn arn;
  private final Map<String, String> parameters;

  private S3Uri(String bucket, String prefix, AccessPointArn arn, Map<String, String> parameters) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.arn = arn;
    this.parameters = parameters;
  }

  /**
   * Parses a replica URI.
   *
   * @param uri the URI as the user gave it
   * @return the parsed form
   * @throws LitewakeException naming the problem if the URI is malformed
   */
  public static S3Uri parse(URI uri) {
    if (uri == null) {
      throw new LitewakeException("s3 replica URI must not be null");
    }
    String raw = uri.toString();
    String masked = Redact.text(raw);
    if (!raw.regionMatches(true, 0, "s3://", 0, 5)) {
      throw new LitewakeException(
          "not an s3 replica URI: " + masked + " (expected s3://BUCKET/PREFIX)");
    }
    if (raw.indexOf('#') >= 0) {
      throw new LitewakeException(
          "s3 replica URI must not have a fragment (#...): " + masked);
    }
    String rest = raw.substring(5);
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    Map<String, String> params = parseQuery(query, masked);
    if (rest.regionMatches(true, 0, "arn:", 0, 4)) {
      // arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME[/PREFIX]
      String[] parts = rest.split(":", 6);
      if (parts.length != 6) {
        throw new LitewakeException(
            "malformed access point ARN in "
                + masked
                + ": expected s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME[/PREFIX]");
      }
      String resource = parts[5];
      if (!resource.startsWith("accesspoint/")) {
        throw new LitewakeException(
            "unsupported ARN resource '"
                + resource
                + "' in "
                + masked
                + ": only S3 access points are supported"
                + " (s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME[/PREFIX])");
      }
      String afterType = resource.substring("accesspoint/".length());
      int slash = afterType.indexOf('/');
      String name = slash < 0 ? afterType : afterType.substring(0, slash);
      String prefix = slash < 0 ? "" : afterType.substring(slash + 1);
      AccessPointArn arn = AccessPointArn.of(parts[1], parts[2], parts[3], parts[4], name, masked);
      return new S3Uri(arn.toString(), normalizePrefix(decode(prefix, masked)), arn, params);
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new LitewakeException(
          "s3 replica URI has no bucket: " + masked + " (expected s3://BUCKET/PREFIX)");
    }
    if (bucket.indexOf('@') >= 0) {
      throw new LitewakeException(
          "s3 replica URI " + masked + " has user information before the bucket: give credentials"
              + " as access-key and secret-access-key parameters (or use the AWS default chain)");
    }
    if (!bucket.matches("[a-zA-Z0-9._-]+")) {
      throw new LitewakeException(
          "invalid bucket name '" + bucket + "' in " + masked
              + ": bucket names use letters, digits, '.', '-' and '_'");
    }
    return new S3Uri(bucket, normalizePrefix(decode(prefix, masked)), null, params);
  }

  /**
   * Maps a replica URI to replica settings: the place it names and the options its query
   * parameters set (each checked as the builder checks it). Options the URI does not set can be
   * set on the result.
   *
   * @param uri the replica URI
   * @return the settings, with the URI (secrets masked) as location
   * @throws LitewakeException naming the URI (masked) and the problem if the URI is malformed or
   *     has an unknown or bad parameter
   */
  public static S3Settings settings(URI uri) {
    S3Uri parsed = parse(uri);
    String masked = Redact.uri(uri);
    S3Settings s = new S3Settings();
    s.place(masked, parsed);
    Map<String, String> p = parsed.parameters();
    try {
      if (p.containsKey("endpoint")) {
        s.endpoint(parseEndpoint(p.get("endpoint")));
      }
      if (p.containsKey("region")) {
        s.region(p.get("region"));
      }
      if (p.containsKey("force-path-style")) {
        String v = p.get("force-path-style").toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
          throw new IllegalArgumentException(
              "force-path-style must be true or false, not '" + p.get("force-path-style") + "'");
        }
        s.forcePathStyle(Boolean.parseBoolean(v));
      }
      if (p.containsKey("storage-class")) {
        s.storageClass(parseStorageClass(p.get("storage-class")));
      }
      encryption(s, p.get("sse"), p.get("sse-kms-key-id"));
      String ak = p.get("access-key");
      String sk = p.get("secret-access-key");
      if ((ak == null) != (sk == null)) {
        throw new IllegalArgumentException(
            "access-key and secret-access-key go together: give both or neither (then the AWS"
                + " default credentials chain is used)");
      }
      if (ak != null) {
        s.credentials(ak, sk);
      }
      String lockMode = p.get("object-lock-mode");
      String lockFor = p.get("object-lock-retention");
      if ((lockMode == null) != (lockFor == null)) {
        throw new IllegalArgumentException("object-lock-mode and object-lock-retention go together: give both"
            + " (such as object-lock-mode=GOVERNANCE&object-lock-retention=P30D) or neither");
      }
      if (lockMode != null) {
        s.objectLock(ObjectLock.parse(lockMode, lockFor));
      }
    } catch (IllegalArgumentException | LitewakeException e) {
      throw new LitewakeException("bad s3 replica URI " + masked + ": " + e.getMessage(), e);
    }
    return s;
  }

  private static void encryption(S3Settings s, String sse, String kmsKey) {
    if (sse == null) {
      if (kmsKey != null) {
        throw new IllegalArgumentException(
            "sse-kms-key-id is given without sse=aws:kms; add sse=aws:kms");
      }
    } else if (sse.equals("AES256")) {
      if (kmsKey != null) {
        throw new IllegalArgumentException(
            "sse-kms-key-id is given but sse is AES256; use sse=aws:kms with a KMS key");
      }
      s.sseS3();
    } else if (sse.equals("aws:kms")) {
      s.sseKms(kmsKey);
    } else {
      throw new IllegalArgumentException("sse must be AES256 or aws:kms, not '" + sse + "'");
    }
  }

  private static URI parseEndpoint(String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint is not a URL: '" + Redact.text(value) + "'");
    }
  }

  private static StorageClass parseStorageClass(String value) {
    StorageClass sc = StorageClass.fromValue(value.toUpperCase(Locale.ROOT));
    if (sc == StorageClass.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("unknown storage-class '" + value + "'; valid: "
          + StorageClass.knownValues());
    }
    return sc;
  }

  /**
   * The bucket name, or the access point ARN when the URI names one.
   *
   * @return the bucket as the SDK takes it
   */
  public String bucket() {
    return bucket;
  }

  /**
   * The key prefix, without leading or trailing slashes; empty for the bucket root.
   *
   * @return the prefix
   */
  public String prefix() {
    return prefix;
  }

  /**
   * The access point, when the URI names one.
   *
   * @return the ARN or {@code null}
   */
  public AccessPointArn accessPoint() {
    return arn;
  }

  /**
   * The query parameters, in URI order; all of them are in {@link #PARAMETERS}.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> parameters() {
    return parameters;
  }

  /**
   * Strips leading and trailing slashes and rejects empty path segments.
   *
   * @param prefix a key prefix
   * @return the prefix without surrounding slashes
   */
  public static String normalizePrefix(String prefix) {
    String p = prefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.contains("//")) {
      throw new LitewakeException("prefix must not contain an empty path segment ('//'): " + prefix);
    }
    return p;
  }

  private static Map<String, String> parseQuery(String query, String masked) {
    if (query == null || query.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), masked).toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), masked);
      if (!PARAMETERS.contains(name)) {
        throw new LitewakeException(
            "unknown query parameter '"
                + name
                + "' in s3 replica URI "
                + masked
                + "; valid parameters are: "
                + String.join(", ", PARAMETERS));
      }
      if (value.isEmpty()) {
        throw new LitewakeException(
            "query parameter '" + name + "' has no value in s3 replica URI " + masked);
      }
      if (params.put(name, value) != null) {
        throw new LitewakeException(
            "query parameter '" + name + "' is given twice in s3 replica URI " + masked);
      }
    }
    return Collections.unmodifiableMap(params);
  }

  /** Percent-decodes; '+' stays a plus (secret keys contain it). */
  private static String decode(String s, String masked) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new LitewakeException("bad percent-escape in s3 replica URI " + masked);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new LitewakeException("bad percent-escape in s3 replica URI " + masked);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
