package io.litewake.cli;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formatting for people (sizes, durations, WAL indexes) and the masking of secrets in everything
 * the command prints. Stateless apart from the secret values seen on the command line, which are
 * masked wherever they appear (a concurrent set, filled before any output).
 */
final class Text {
  /** What a secret is shown as. */
  static final String MASK = io.litewake.internal.Redact.MASK;

  private static final Set<String> SECRET_PARAMETERS =
      Set.of("secret-access-key", "access-key", "session-token", "sse-customer-key", "password");
  private static final Pattern PARAMETER = Pattern.compile("([?&])([^=&#\\s]+)=([^&#\\s]*)");
  private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

  private Text() {}

  /**
   * Remembers the secret values in the query of every argument that looks like a URI, so that
   * {@link #mask(String)} hides them wherever they show up, also in a message that quotes them
   * without their parameter name.
   */
  static void rememberSecrets(String... args) {
    for (String a : args) {
      Matcher m = PARAMETER.matcher(a);
      while (m.find()) {
        if (isSecret(m.group(2)) && !m.group(3).isEmpty()) {
          SECRETS.add(m.group(3));
          try {
            SECRETS.add(URLDecoder.decode(m.group(3), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            // a bad escape: the raw value is remembered
          }
        }
      }
    }
    SECRETS.removeIf(s -> s.length() < 4); // too short to mask without mangling the text
  }

  /**
   * A text with its secrets masked: values of secret query parameters, the user information of
   * URLs, and every secret value seen on the command line.
   */
  static String mask(String s) {
    if (s == null) {
      return null;
    }
    String out = io.litewake.internal.Redact.text(s); // the library's one way of masking URIs
    for (String secret : SECRETS) {
      out = out.replace(secret, MASK);
    }
    return out;
  }

  static String mask(URI uri) {
    return mask(uri.toString());
  }

  private static boolean isSecret(String rawName) {
    String name = rawName;
    try {
      name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // compare as written
    }
    return SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** A byte count for people: {@code 512 B}, {@code 4.0 KiB}, {@code 12.3 MiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  /** A duration for people: {@code 850 ms}, {@code 4.2 s}, {@code 3 min 05 s}, {@code 2 h 07 min}. */
  static String duration(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /** A WAL index or offset as Litestream and the object keys write it: 8 lowercase hex digits. */
  static String hex(long n) {
    return String.format(Locale.ROOT, "%08x", n);
  }

  /** An instant to the second (the precision of storage timestamps), as ISO-8601. */
  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** The message of a failure on one line: line breaks and runs of blanks become one space. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
