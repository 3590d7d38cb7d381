package io.litewake.internal;

import java.net.URI;
import java.util.regex.Pattern;

/** Masks secrets in URIs before they reach logs or messages. */
public final class Redact {
  private static final Pattern SECRET =
      Pattern.compile("(?i)((?:secret-access-key|access-key|session-token|sse-customer-key|password)=)[^&]*");

  private Redact() {}

  /** The URI as text with secret query values replaced by {@code ***}. */
  public static String uri(URI uri) {
    return text(uri.toString());
  }

  /** {@code s} with secret query values replaced by {@code ***}. */
  public static String text(String s) {
    return SECRET.matcher(s).replaceAll("$1***");
  }
}
