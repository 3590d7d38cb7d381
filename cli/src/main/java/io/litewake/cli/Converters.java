package io.litewake.cli;

import io.litewake.LitewakeException;
import io.litewake.s3.S3Replica;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line's value types, each refusing a bad value with a message that shows the
 * accepted forms (picocli turns the refusal into a usage error, exit code 2). Stateless.
 */
final class Converters {
  private Converters() {}

  /**
   * A replica URI: {@code s3://BUCKET/PREFIX[?params]} (checked as {@link S3Replica#fromUri}
   * checks it, without a request) or {@code file:///DIR}.
   */
  static final class ReplicaUri implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value);
      } catch (URISyntaxException e) {
        throw new TypeConversionException("'" + Text.mask(value) + "' is not a URI (" + Text.mask(e.getReason())
            + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "")
            + "); use s3://BUCKET/PREFIX or file:///DIR, and percent-encode special characters in parameters");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "s3" -> {
          try {
            S3Replica.fromUri(uri); // parses and checks every parameter; opens nothing
          } catch (LitewakeException e) {
            throw new TypeConversionException(Text.mask(Text.oneLine(e.getMessage())));
          }
        }
        case "file" -> {
          if (uri.getPath() == null || uri.getPath().isEmpty() || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
            throw new TypeConversionException("'" + Text.mask(value) + "' is not a directory URI; use file:///ABSOLUTE/DIR");
          }
        }
        case "" -> throw new TypeConversionException("'" + Text.mask(value)
            + "' has no scheme; use s3://BUCKET/PREFIX[?endpoint=...] or file:///DIR");
        default -> throw new TypeConversionException("'" + Text.mask(value) + "': unknown replica scheme '"
            + uri.getScheme() + "'; use s3://BUCKET/PREFIX or file:///DIR");
      }
      return uri;
    }
  }

  /**
   * A point in time, RFC 3339 as {@code litestream restore -timestamp} takes it: {@code
   * 2026-11-20T10:15:00Z}, {@code 2026-11-20T10:15:00.5+01:00}.
   */
  static final class Timestamp implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return OffsetDateTime.parse(value.trim()).toInstant();
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not a timestamp; use RFC 3339, such as "
            + "2026-11-20T10:15:00Z or 2026-11-20T11:15:00+01:00");
      }
    }
  }

  /** A WAL index in hexadecimal, as Litestream's {@code -index} and the object keys write it. */
  static final class HexIndex implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.startsWith("0x")) {
        v = v.substring(2);
      }
      if (!v.matches("[0-9a-f]{1,15}")) {
        throw new TypeConversionException("'" + value + "' is not a WAL index; give it in hexadecimal as "
            + "list shows it, such as 0000001a");
      }
      return Long.parseLong(v, 16);
    }
  }

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  /**
   * A duration: {@code 500ms}, {@code 1s}, {@code 1h30m}, {@code 7d} (Go's form, as Litestream's
   * configuration uses it, plus {@code d}) or ISO-8601 ({@code PT1S}).
   */
  static final class GoDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }
  }

  static Duration parseDuration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      try {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw badDuration(value);
      }
    }
    Matcher m = DURATION_PART.matcher(v);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.lookingAt()) {
      double n = Double.parseDouble(m.group(1));
      long nanosPerUnit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 86_400_000_000_000L;
      };
      d = d.plusNanos(Math.round(n * nanosPerUnit));
      end = m.end();
      m.region(end, v.length());
    }
    if (end == 0 || end != v.length()) {
      throw badDuration(value);
    }
    return d;
  }

  private static TypeConversionException badDuration(String value) {
    return new TypeConversionException("'" + value + "' is not a duration; use 500ms, 1s, 10m, 1h30m, 24h, 7d"
        + " or ISO-8601 such as PT1S");
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");

  /** A size in bytes: {@code 1073741824}, {@code 512MiB}, {@code 1G} (binary units). */
  static final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not a size; use bytes or a binary unit, such as"
            + " 1073741824, 512MiB or 1GiB");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "b" : m.group(2);
      int shift = switch (unit.charAt(0)) {
        case 'k' -> 10;
        case 'm' -> 20;
        case 'g' -> 30;
        case 't' -> 40;
        default -> 0;
      };
      if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
        throw new TypeConversionException("'" + value + "' is too large");
      }
      return n << shift;
    }
  }
}
