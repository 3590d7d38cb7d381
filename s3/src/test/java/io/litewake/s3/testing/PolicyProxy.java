package io.litewake.s3.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP front for a path-style S3 server that behaves like an IAM policy: each request
 * is mapped to its S3 operation and IAM action; one whose action is not allowed, whose key is
 * outside the allowed prefix, or (for {@code s3:ListBucket}) whose {@code prefix} parameter is
 * not under it, is answered with a real S3 {@code AccessDenied} error, others are forwarded byte
 * for byte. Every request is recorded. It can also answer with a wrong-region error, fail the
 * first requests with a retryable error, and flip a byte in upload bodies.
 */
public final class PolicyProxy implements AutoCloseable {

  /** The actions of Litewake's minimal replicate policy. */
  public static final Set<String> REPLICATE =
      Set.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject");
  /** The actions of Litewake's minimal restore policy. */
  public static final Set<String> RESTORE = Set.of("s3:ListBucket", "s3:GetObject");

  /**
   * One request as the proxy saw it.
   *
   * @param method the HTTP method
   * @param target the request target (path and query)
   * @param operation the S3 operation, such as {@code UploadPart} or {@code HeadBucket}
   * @param action the IAM action it needs
   * @param resource the key or list prefix it touches
   * @param headers selected request headers (content-md5, x-amz-storage-class, SSE headers)
   * @param status the status the client got from the proxy itself (403, 400, 503) or 0 if
   *     forwarded
   */
  public record Request(String method, String target, String operation, String action,
      String resource, Map<String, String> headers, int status) {
    /**
     * Whether the proxy refused the request as the policy would.
     *
     * @return true if answered with AccessDenied
     */
    public boolean denied() {
      return status == 403;
    }
  }

  private static final Pattern REGION_IN_AUTH = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/s3/");
  private static final Pattern DELETE_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);

  private final URI backend;
  private final String bucket;
  private final String prefix;
  private final Set<String> allowed;
  private final String bucketRegion;
  private final boolean tamper;
  private final AtomicInteger failuresLeft;
  private final int failureStatus;
  private final String failureCode;
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "policy-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  private PolicyProxy(Builder b) throws IOException {
    this.backend = b.backend;
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.allowed = b.allowed;
    this.bucketRegion = b.bucketRegion;
    this.tamper = b.tamper;
    this.failuresLeft = new AtomicInteger(b.failures);
    this.failureStatus = b.failureStatus;
    this.failureCode = b.failureCode;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  /**
   * Starts describing a proxy in front of a server.
   *
   * @param backend the server's endpoint, {@code http://127.0.0.1:PORT}
   * @param bucket the only bucket the policy names
   * @return a builder
   */
  public static Builder in(URI backend, String bucket) {
    return new Builder(backend, bucket);
  }

  /**
   * The proxy's endpoint, to use in place of the server's.
   *
   * @return {@code http://127.0.0.1:PORT}
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * Every request seen so far, in order.
   *
   * @return a copy
   */
  public List<Request> requests() {
    synchronized (requests) {
      return new ArrayList<>(requests);
    }
  }

  /**
   * The requests refused as the policy would refuse them.
   *
   * @return a copy
   */
  public List<Request> denied() {
    return requests().stream().filter(Request::denied).toList();
  }

  /** Forgets the recorded requests. */
  public void clear() {
    requests.clear();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    pool.shutdownNow();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.execute(() -> handle(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] headBytes = readHead(in);
      if (headBytes == null) {
        return;
      }
      String head = new String(headBytes, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      String method = requestLine[0];
      String target = requestLine[1];
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
      }
      long contentLength = Long.parseLong(headers.getOrDefault("content-length", "0"));
      if (headers.containsKey("transfer-encoding")) {
        record(method, target, "?", "?", "", headers, 501);
        respond(out, 501, "NotImplemented", "policy proxy does not take chunked requests", method, null);
        return;
      }
      boolean expectContinue = "100-continue".equalsIgnoreCase(headers.get("expect"));
      Op op = classify(method, target, headers);
      byte[] body = null;
      if (op.operation.equals("DeleteObjects")) {
        if (expectContinue) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        body = in.readNBytes((int) contentLength);
        Matcher m = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
        List<String> keys = new ArrayList<>();
        while (m.find()) {
          keys.add(m.group(1));
        }
        op = new Op("DeleteObjects", "s3:DeleteObject", String.join(",", keys), keys, op.bucket);
      }
      // wrong region: as S3 answers a request signed for another region
      if (bucketRegion != null) {
        Matcher rm = REGION_IN_AUTH.matcher(headers.getOrDefault("authorization", ""));
        if (rm.find() && !rm.group(1).equals(bucketRegion)) {
          drain(in, contentLength, expectContinue, body);
          record(method, target, op.operation, op.action, op.resource, headers, 400);
          respond(out, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region '"
              + rm.group(1) + "' is wrong; expecting '" + bucketRegion + "'", method,
              "<Region>" + bucketRegion + "</Region>");
          return;
        }
      }
      String reason = deny(op);
      if (reason != null) {
        drain(in, contentLength, expectContinue, body);
        record(method, target, op.operation, op.action, op.resource, headers, 403);
        respond(out, 403, "AccessDenied", "Access Denied", method, null);
        return;
      }
      if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        drain(in, contentLength, expectContinue, body);
        record(method, target, op.operation, op.action, op.resource, headers, failureStatus);
        respond(out, failureStatus, failureCode, "Please reduce your request rate.", method, null);
        return;
      }
      record(method, target, op.operation, op.action, op.resource, headers, 0);
      forward(in, out, lines, contentLength, body,
          tamper && (op.operation.equals("PutObject") || op.operation.equals("UploadPart")));
    } catch (IOException e) {
      // client or backend went away
    }
  }

  private void forward(InputStream in, OutputStream out, String[] lines, long contentLength, byte[] body,
      boolean flip) throws IOException {
    try (Socket up = new Socket()) {
      up.connect(new InetSocketAddress(backend.getHost(), backend.getPort()), 5000);
      OutputStream upOut = up.getOutputStream();
      InputStream upIn = up.getInputStream();
      StringBuilder sb = new StringBuilder(lines[0]).append("\r\n");
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].toLowerCase(Locale.ROOT).startsWith("connection:")) {
          sb.append(lines[i]).append("\r\n");
        }
      }
      sb.append("Connection: close\r\n\r\n");
      upOut.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      upOut.flush();
      var back = pool.submit(() -> {
        upIn.transferTo(out);
        out.flush();
        return null;
      });
      if (body != null) {
        upOut.write(body);
      } else {
        byte[] buf = new byte[64 * 1024];
        long left = contentLength;
        long pos = 0;
        long flipAt = contentLength / 2;
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            break;
          }
          if (flip && flipAt >= pos && flipAt < pos + n) {
            buf[(int) (flipAt - pos)] ^= 0x01;
          }
          upOut.write(buf, 0, n);
          left -= n;
          pos += n;
        }
      }
      upOut.flush();
      try {
        back.get();
      } catch (Exception e) {
        // connection closed
      }
    }
  }

  private String deny(Op op) {
    if (!allowed.contains(op.action)) {
      return "action " + op.action + " not allowed";
    }
    if (op.bucket == null || !op.bucket.equals(bucket)) {
      return "bucket " + op.bucket + " not in policy";
    }
    if (op.action.equals("s3:ListBucket")) {
      // Condition StringLike s3:prefix PREFIX/*
      return prefix.isEmpty() || (op.resource != null && op.resource.startsWith(prefix)) ? null
          : "list prefix '" + op.resource + "' outside " + prefix;
    }
    for (String key : op.keys) {
      if (!key.startsWith(prefix)) {
        return "key " + key + " outside " + prefix;
      }
    }
    return null;
  }

  private record Op(String operation, String action, String resource, List<String> keys, String bucket) {}

  private static Op classify(String method, String target, Map<String, String> headers) {
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
      return new Op("ListBuckets", "s3:ListAllMyBuckets", "", List.of(), null);
    }
    int slash = p.indexOf('/');
    String bucket = decode(slash < 0 ? p : p.substring(0, slash));
    String key = slash < 0 ? "" : decode(p.substring(slash + 1));
    if (key.isEmpty()) {
      switch (method) {
        case "HEAD":
          return new Op("HeadBucket", "s3:HeadBucket", "", List.of(), bucket);
        case "PUT":
          return new Op("CreateBucket", "s3:CreateBucket", "", List.of(), bucket);
        case "DELETE":
          return new Op("DeleteBucket", "s3:DeleteBucket", "", List.of(), bucket);
        case "POST":
          if (query.containsKey("delete")) {
            return new Op("DeleteObjects", "s3:DeleteObject", "", List.of(), bucket);
          }
          return new Op("PostBucket", "s3:Unknown", "", List.of(), bucket);
        default:
          if (query.containsKey("location")) {
            return new Op("GetBucketLocation", "s3:GetBucketLocation", "", List.of(), bucket);
          }
          if (query.containsKey("uploads")) {
            return new Op("ListMultipartUploads", "s3:ListBucketMultipartUploads", "", List.of(), bucket);
          }
          if (query.containsKey("versions")) {
            return new Op("ListObjectVersions", "s3:ListBucketVersions", "", List.of(), bucket);
          }
          String listPrefix = query.getOrDefault("prefix", "");
          return new Op(query.containsKey("list-type") ? "ListObjectsV2" : "ListObjects", "s3:ListBucket",
              listPrefix, List.of(), bucket);
      }
    }
    List<String> keys = List.of(key);
    switch (method) {
      case "GET":
      case "HEAD":
        if (query.containsKey("uploadId")) {
          return new Op("ListParts", "s3:ListMultipartUploadParts", key, keys, bucket);
        }
        return new Op(method.equals("GET") ? "GetObject" : "HeadObject", "s3:GetObject", key, keys, bucket);
      case "PUT":
        if (query.containsKey("partNumber")) {
          return new Op("UploadPart", "s3:PutObject", key, keys, bucket);
        }
        if (headers.containsKey("x-amz-copy-source")) {
          return new Op("CopyObject", "s3:PutObject", key, keys, bucket);
        }
        return new Op("PutObject", "s3:PutObject", key, keys, bucket);
      case "POST":
        if (query.containsKey("uploads")) {
          return new Op("CreateMultipartUpload", "s3:PutObject", key, keys, bucket);
        }
        if (query.containsKey("uploadId")) {
          return new Op("CompleteMultipartUpload", "s3:PutObject", key, keys, bucket);
        }
        return new Op("PostObject", "s3:Unknown", key, keys, bucket);
      case "DELETE":
        if (query.containsKey("uploadId")) {
          return new Op("AbortMultipartUpload", "s3:AbortMultipartUpload", key, keys, bucket);
        }
        return new Op("DeleteObject", "s3:DeleteObject", key, keys, bucket);
      default:
        return new Op(method, "s3:Unknown", key, keys, bucket);
    }
  }

  private void record(String method, String target, String operation, String action, String resource,
      Map<String, String> headers, int status) {
    Map<String, String> kept = new LinkedHashMap<>();
    headers.forEach((k, v) -> {
      if (k.equals("content-md5") || k.startsWith("x-amz-server-side-encryption")
          || k.equals("x-amz-storage-class") || k.equals("content-length")) {
        kept.put(k, k.contains("customer-key") && !k.endsWith("md5") ? "****" : v);
      }
    });
    requests.add(new Request(method, target, operation, action, resource, kept, status));
  }

  private static void drain(InputStream in, long contentLength, boolean expectContinue, byte[] body)
      throws IOException {
    if (!expectContinue && body == null && contentLength > 0) {
      in.skipNBytes(contentLength);
    }
  }

  private static void respond(OutputStream out, int status, String code, String message, String method,
      String extra) throws IOException {
    String rid = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
        + message + "</Message>" + (extra == null ? "" : extra) + "<RequestId>" + rid
        + "</RequestId><HostId>policy-proxy</HostId></Error>";
    byte[] body = method.equals("HEAD") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
    String reasonPhrase = switch (status) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Slow Down";
      default -> "Error";
    };
    String head = "HTTP/1.1 " + status + " " + reasonPhrase + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "x-amz-request-id: " + rid + "\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return buf.size() == 0 ? null : buf.toByteArray();
      }
      buf.write(b);
      state = switch (state) {
        case 0 -> b == '\r' ? 1 : 0;
        case 1 -> b == '\n' ? 2 : (b == '\r' ? 1 : 0);
        case 2 -> b == '\r' ? 3 : 0;
        case 3 -> b == '\n' ? 4 : (b == '\r' ? 1 : 0);
        default -> 0;
      };
      if (state == 4) {
        byte[] all = buf.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
      }
      if (buf.size() > 64 * 1024) {
        throw new IOException("request head too large");
      }
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Describes a {@link PolicyProxy}. */
  public static final class Builder {
    private final URI backend;
    private final String bucket;
    private String prefix = "";
    private Set<String> allowed = Set.of("s3:ListBucket", "s3:GetObject", "s3:PutObject",
        "s3:DeleteObject", "s3:AbortMultipartUpload");
    private String bucketRegion;
    private boolean tamper;
    private int failures;
    private int failureStatus = 503;
    private String failureCode = "SlowDown";

    private Builder(URI backend, String bucket) {
      this.backend = backend;
      this.bucket = bucket;
    }

    /**
     * Limits the policy to keys under a prefix (and lists to prefixes under it).
     *
     * @param prefix such as {@code apps/orders/} (trailing slash included)
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /**
     * Sets the allowed IAM actions.
     *
     * @param actions such as {@link #REPLICATE}
     * @return this builder
     */
    public Builder allow(Set<String> actions) {
      this.allowed = Set.copyOf(actions);
      return this;
    }

    /**
     * Answers requests signed for another region as S3 does ({@code AuthorizationHeaderMalformed}).
     *
     * @param region the bucket's region
     * @return this builder
     */
    public Builder bucketRegion(String region) {
      this.bucketRegion = region;
      return this;
    }

    /**
     * Flips one byte in the body of every PutObject and UploadPart on its way to the server.
     *
     * @return this builder
     */
    public Builder tamperUploads() {
      this.tamper = true;
      return this;
    }

    /**
     * Answers the first {@code n} allowed requests with an error instead of forwarding them.
     *
     * @param n how many
     * @param status the HTTP status, such as 503
     * @param code the S3 error code, such as {@code SlowDown}
     * @return this builder
     */
    public Builder failFirst(int n, int status, String code) {
      this.failures = n;
      this.failureStatus = status;
      this.failureCode = code;
      return this;
    }

    /**
     * Starts the proxy.
     *
     * @return the running proxy
     */
    public PolicyProxy start() {
      try {
        return new PolicyProxy(this);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
