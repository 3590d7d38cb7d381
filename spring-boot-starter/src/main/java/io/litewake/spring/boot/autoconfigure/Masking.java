package io.litewake.spring.boot.autoconfigure;

import java.net.URI;
import java.util.regex.Pattern;

/** Masks secrets in replica URIs before they reach a message or a log line. Stateless. */
final class Masking {
  private static final Pattern SECRET_PARAM = Pattern.compile(
      "(?i)([?&][^=&]*(?:secret|key|password|token|credential|signature)[^=&]*=)[^&]*");
  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

  private Masking() {}

  /** The URI with every secret-looking query value and any user information replaced by {@code ****}. */
  static String uri(URI uri) {
    return uri == null ? "null" : text(uri.toString());
  }

  static String text(String uri) {
    String s = USER_INFO.matcher(uri).replaceFirst("$1****@");
    return SECRET_PARAM.matcher(s).replaceAll("$1****");
  }
}
