package io.litewake.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets before they reach logs, messages, locations or {@code toString()}: the one place
 * that decides what a masked secret looks like. Every secret value becomes {@value #MASK}, whole:
 * the values of the query parameters {@code secret-access-key}, {@code access-key}, {@code
 * session-token}, {@code sse-customer-key} and {@code password} (names compared ignoring case and
 * percent-encoding), and the user information of a URL ({@code scheme://USER:PASSWORD@host}).
 */
public final class Redact {

  /** What every secret value is replaced by. */
  public static final String MASK = "****";

  private static final Set<String> SECRET_PARAMETERS =
      Set.of("secret-access-key", "access-key", "session-token", "sse-customer-key", "password");
  /** A query parameter: separator, name, value (up to the next parameter, fragment or blank). */
  private static final Pattern PARAMETER = Pattern.compile("([?&])([^=&#\\s]+)=([^&#\\s]*)");
  /** The user information of a URL, {@code ://USER[:PASSWORD]@}. */
  private static final Pattern USER_INFO = Pattern.compile("://[^/?#@\\s]+@");

  private Redact() {}

  /**
   * The URI as text with its secrets masked.
   *
   * @param uri a URI, possibly holding secrets
   * @return {@link #text(String)} of {@code uri.toString()}, or {@code "null"}
   */
  public static String uri(URI uri) {
    return uri == null ? "null" : text(uri.toString());
  }

  /**
   * Masks the secrets of every URI in a text: the values of secret query parameters and the
   * user information of URLs become {@value #MASK}.
   *
   * @param s a text, such as a URI or a message quoting one
   * @return the text with its secrets masked ({@code null} stays {@code null})
   */
  public static String text(String s) {
    if (s == null) {
      return null;
    }
    String out = USER_INFO.matcher(s).replaceAll("://" + MASK + "@");
    Matcher m = PARAMETER.matcher(out);
    StringBuilder sb = new StringBuilder(out.length());
    while (m.find()) {
      String replacement = isSecret(m.group(2)) ? m.group(1) + m.group(2) + "=" + MASK : m.group();
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static boolean isSecret(String rawName) {
    String name = rawName;
    try {
      name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // a bad escape: compare the name as written
    }
    return SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT));
  }
}
