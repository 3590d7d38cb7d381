package io.litewake.testsupport;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A path-style S3 request as {@link S3Front} sees it: the S3 operation, the IAM action that
 * authorizes it, the bucket, the resource (the key, the keys of a batch delete, or the prefix of
 * a listing) and the keys it touches.
 */
record S3Operation(String operation, String action, String bucket, String resource, List<String> keys) {

  /** The kind {@link S3Front.Counts} counts it under: {@code LIST} for a listing, else the method. */
  String kind(String method) {
    return operation.startsWith("List") ? "LIST" : method;
  }

  /** Maps a request line's method and target (and the copy-source header) to its operation. */
  static S3Operation classify(String method, String target, Map<String, String> headers) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.isEmpty()) {
      return new S3Operation("ListBuckets", "s3:ListAllMyBuckets", "", "", List.of());
    }
    int slash = p.indexOf('/');
    String bucket = decode(slash < 0 ? p : p.substring(0, slash));
    String key = slash < 0 ? "" : decode(p.substring(slash + 1));
    if (key.isEmpty()) {
      return classifyBucketCall(method, bucket, query);
    }
    List<String> keys = List.of(key);
    switch (method) {
      case "GET":
      case "HEAD":
        if (query.containsKey("uploadId")) {
          return new S3Operation("ListParts", "s3:ListMultipartUploadParts", bucket, key, keys);
        }
        return new S3Operation(method.equals("GET") ? "GetObject" : "HeadObject", AccessPolicy.GET_OBJECT, bucket, key,
            keys);
      case "PUT":
        if (query.containsKey("partNumber")) {
          return new S3Operation("UploadPart", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        if (headers.containsKey("x-amz-copy-source")) {
          return new S3Operation("CopyObject", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        return new S3Operation("PutObject", AccessPolicy.PUT_OBJECT, bucket, key, keys);
      case "POST":
        if (query.containsKey("uploads")) {
          return new S3Operation("CreateMultipartUpload", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        if (query.containsKey("uploadId")) {
          return new S3Operation("CompleteMultipartUpload", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        return new S3Operation("PostObject", "s3:Unknown", bucket, key, keys);
      case "DELETE":
        if (query.containsKey("uploadId")) {
          return new S3Operation("AbortMultipartUpload", AccessPolicy.ABORT_MULTIPART_UPLOAD, bucket, key, keys);
        }
        return new S3Operation("DeleteObject", AccessPolicy.DELETE_OBJECT, bucket, key, keys);
      default:
        return new S3Operation(method, "s3:Unknown", bucket, key, keys);
    }
  }

  private static S3Operation classifyBucketCall(String method, String bucket, Map<String, String> query) {
    switch (method) {
      case "HEAD":
        // AWS authorizes HeadBucket with s3:ListBucket
        return new S3Operation("HeadBucket", AccessPolicy.LIST_BUCKET, bucket, "", List.of());
      case "PUT":
        return new S3Operation("CreateBucket", "s3:CreateBucket", bucket, "", List.of());
      case "DELETE":
        return new S3Operation("DeleteBucket", "s3:DeleteBucket", bucket, "", List.of());
      case "POST":
        if (query.containsKey("delete")) {
          return new S3Operation("DeleteObjects", AccessPolicy.DELETE_OBJECT, bucket, "", List.of());
        }
        return new S3Operation("PostBucket", "s3:Unknown", bucket, "", List.of());
      default:
        if (query.containsKey("location")) {
          return new S3Operation("GetBucketLocation", "s3:GetBucketLocation", bucket, "", List.of());
        }
        if (query.containsKey("uploads")) {
          return new S3Operation("ListMultipartUploads", "s3:ListBucketMultipartUploads", bucket, "", List.of());
        }
        if (query.containsKey("versions")) {
          return new S3Operation("ListObjectVersions", "s3:ListBucketVersions", bucket, "", List.of());
        }
        return new S3Operation(query.containsKey("list-type") ? "ListObjectsV2" : "ListObjects",
            AccessPolicy.LIST_BUCKET, bucket, query.getOrDefault("prefix", ""), List.of());
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
