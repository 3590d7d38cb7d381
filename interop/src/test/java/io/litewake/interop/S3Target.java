package io.litewake.interop;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A prefix in a bucket of a loopback S3 server, for Litewake's {@code s3:} URI and Litestream's {@code type: s3}. */
record S3Target(URI endpoint, String region, String bucket, String prefix, String accessKey, String secretKey)
    implements ReplicaTarget {
  @Override
  public URI litewakeUri() {
    return URI.create("s3://" + bucket + "/" + prefix + "?endpoint=" + enc(endpoint.toString()) + "&region=" + region
        + "&force-path-style=true&access-key=" + enc(accessKey) + "&secret-access-key=" + enc(secretKey));
  }

  @Override
  public String litestreamReplicaYaml() {
    return "- type: s3\n"
        + "  bucket: " + bucket + "\n"
        + "  path: " + prefix + "\n"
        + "  endpoint: " + endpoint + "\n"
        + "  region: " + region + "\n"
        + "  force-path-style: true\n"
        + "  access-key-id: " + accessKey + "\n"
        + "  secret-access-key: " + secretKey;
  }

  @Override
  public String litestreamUrl() {
    return null; // the endpoint and credentials need the config form
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
