package io.litewake.testkit;

import java.util.regex.Pattern;

/** Validation of replica names and bucket names. Package-private. */
final class Names {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private Names() {}

  static String requireValid(String name) {
    if (name == null) {
      throw new NullPointerException("replica name is null");
    }
    String problem = null;
    if (name.isEmpty()) {
      problem = "it is empty";
    } else if (name.startsWith("/") || name.endsWith("/")) {
      problem = "it starts or ends with '/'";
    } else {
      for (String seg : name.split("/", -1)) {
        if (seg.isEmpty()) {
          problem = "it has an empty path segment ('//')";
          break;
        }
        if (seg.equals(".") || seg.equals("..")) {
          problem = "it has a '" + seg + "' segment";
          break;
        }
        if (!SEGMENT.matcher(seg).matches()) {
          problem = "segment '" + seg + "' has characters other than letters, digits, '.', '_' and '-'";
          break;
        }
      }
    }
    if (problem == null && name.length() > 512) {
      problem = "it is longer than 512 characters";
    }
    if (problem != null) {
      throw new IllegalArgumentException("invalid replica name '" + name + "': " + problem
          + "; use a relative path such as \"orders\" or \"apps/orders\"");
    }
    return name;
  }

  static String requireValidBucket(String bucket) {
    if (bucket == null) {
      throw new NullPointerException("bucket is null");
    }
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new IllegalArgumentException("invalid bucket name '" + bucket
          + "': 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");
    }
    return bucket;
  }
}
