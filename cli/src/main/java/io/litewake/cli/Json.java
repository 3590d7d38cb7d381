package io.litewake.cli;

import java.util.Locale;

/**
 * A small JSON writer with two-space indentation, enough for {@code list --json}: objects,
 * arrays, strings, numbers, booleans and null, written in order. Not thread-safe; one document
 * per instance.
 */
final class Json {
  private final StringBuilder sb = new StringBuilder();
  private int depth;
  private boolean first = true;

  Json beginObject() {
    value();
    sb.append('{');
    depth++;
    first = true;
    return this;
  }

  Json endObject() {
    return end('}');
  }

  Json beginArray() {
    value();
    sb.append('[');
    depth++;
    first = true;
    return this;
  }

  Json endArray() {
    return end(']');
  }

  /** Writes a member name; the next call writes its value. */
  Json name(String name) {
    separator();
    string(name);
    sb.append(": ");
    pendingValue = true;
    return this;
  }

  Json value(String s) {
    value();
    if (s == null) {
      sb.append("null");
    } else {
      string(s);
    }
    return this;
  }

  Json value(long n) {
    value();
    sb.append(n);
    return this;
  }

  Json value(boolean b) {
    value();
    sb.append(b);
    return this;
  }

  Json member(String name, String value) {
    return name(name).value(value);
  }

  Json member(String name, long value) {
    return name(name).value(value);
  }

  Json member(String name, boolean value) {
    return name(name).value(value);
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  private boolean pendingValue;

  private void value() {
    if (pendingValue) {
      pendingValue = false;
      first = false;
      return;
    }
    separator();
  }

  private void separator() {
    if (depth > 0) {
      if (!first) {
        sb.append(',');
      }
      sb.append('\n').append("  ".repeat(depth));
    }
    first = false;
  }

  private Json end(char c) {
    depth--;
    if (!first) {
      sb.append('\n').append("  ".repeat(depth));
    }
    sb.append(c);
    first = false;
    return this;
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
