package io.litewake.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The loopback HTTP front between clients and the server: maps each request to its S3
 * operation and IAM action, applies injected {@link Faults} and the {@link Policy}, forwards
 * the rest byte for byte (one request per connection) and records every request.
 */
final class FrontProxy implements AutoCloseable {
  private static final Pattern DELETE_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);
  private static final int MAX_RECORDED = 100_000;

  private final URI backend;
  private final String bucket;
  private final Faults faults;
  private volatile Policy policy;
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "litewake-s3-front");
    t.setDaemon(true);
    return t;
  });
  private final List<S3Request> requests = Collections.synchronizedList(new ArrayList<>());

  FrontProxy(URI backend, String bucket, Faults faults) {
    this.backend = backend;
    this.bucket = bucket;
    this.faults = faults;
    try {
      this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on a loopback port", e);
    }
    pool.execute(this::acceptLoop);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  void policy(Policy p) {
    this.policy = p;
  }

  Policy policy() {
    return policy;
  }

  List<S3Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  void clearRequests() {
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
      } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
        return;
      }
    }
  }

  private record Op(String operation, String action, String bucket, String resource, List<String> keys) {}

  private void handle(Socket client) {
    Op op = null;
    String method = "?";
    long delayMs = 0;
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] headBytes = readHead(in);
      if (headBytes == null) {
        return;
      }
      String[] lines = new String(headBytes, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length < 2) {
        return;
      }
      method = requestLine[0];
      String target = requestLine[1];
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
      }
      long contentLength = Long.parseLong(headers.getOrDefault("content-length", "0"));
      boolean expectContinue = "100-continue".equalsIgnoreCase(headers.get("expect"));
      op = classify(method, target, headers);
      if (headers.containsKey("transfer-encoding")) {
        respond(out, 501, "NotImplemented", "the testkit's S3 endpoint does not take chunked request bodies", method);
        record(method, op, 501, "forwarded", 0);
        return;
      }
      byte[] body = null;
      if (op.operation.equals("DeleteObjects")) {
        if (expectContinue) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          expectContinue = false;
        }
        body = in.readNBytes((int) contentLength);
        Matcher m = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
        List<String> keys = new ArrayList<>();
        while (m.find()) {
          keys.add(m.group(1));
        }
        op = new Op("DeleteObjects", Policy.DELETE_OBJECT, op.bucket, String.join(",", keys), keys);
      }

      Faults.Decision decision = faults.next();
      if (!decision.delay().isZero()) {
        delayMs = decision.delay().toMillis();
        Thread.sleep(delayMs);
      }
      Faults.Kind kind = decision.kind();
      if (kind == Faults.Kind.DROP) {
        drain(in, contentLength, expectContinue, body);
        record(method, op, 0, kind.code, delayMs);
        client.setSoLinger(true, 0); // reset, no answer
        return;
      }
      if (kind != null) {
        drain(in, contentLength, expectContinue, body);
        record(method, op, kind.status, kind.code, delayMs); // recorded before the client sees it
        respond(out, kind.status, kind.code, kind.message, method);
        return;
      }
      Policy p = policy;
      if (p != null && !permits(p, op)) {
        drain(in, contentLength, expectContinue, body);
        record(method, op, 403, "denied", delayMs);
        respond(out, 403, "AccessDenied", "Access Denied", method);
        return;
      }
      int status = forward(in, out, lines, contentLength, body);
      record(method, op, status, "forwarded", delayMs);
    } catch (IOException e) {
      if (op != null) {
        record(method, op, 0, "forwarded", delayMs); // client or server went away
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int forward(InputStream in, OutputStream out, String[] lines, long contentLength, byte[] body)
      throws IOException {
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
      Future<Integer> back = pool.submit(() -> relayResponse(upIn, out));
      try {
        if (body != null) {
          upOut.write(body);
        } else {
          long left = contentLength;
          byte[] buf = new byte[64 * 1024];
          while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
              break;
            }
            upOut.write(buf, 0, n);
            left -= n;
          }
        }
        upOut.flush();
      } catch (IOException e) {
        // the server answered early and closed; its answer is relayed below
      }
      try {
        return back.get();
      } catch (Exception e) {
        return 0;
      }
    }
  }

  /** Copies the server's answer to the client; returns its final (non-1xx) status. */
  private static int relayResponse(InputStream upIn, OutputStream out) throws IOException {
    int status = 0;
    while (true) {
      byte[] head = readHead(upIn);
      if (head == null) {
        return status;
      }
      out.write(head);
      out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String first = new String(head, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
      String[] parts = first.split(" ");
      status = parts.length > 1 ? parseInt(parts[1]) : 0;
      if (status < 100 || status >= 200) {
        break;
      }
    }
    upIn.transferTo(out);
    out.flush();
    return status;
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private boolean permits(Policy p, Op op) {
    if (!p.allows(op.action)) {
      return false;
    }
    if (op.bucket == null || !op.bucket.equals(bucket)) {
      return false;
    }
    String prefix = p.name() + "/";
    if (op.action.equals(Policy.LIST_BUCKET)) {
      return op.resource != null && op.resource.startsWith(prefix);
    }
    if (op.keys.isEmpty()) {
      return false; // a bucket-level call the policy does not name
    }
    for (String key : op.keys) {
      if (!key.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

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
      return new Op("ListBuckets", "s3:ListAllMyBuckets", "", "", List.of());
    }
    int slash = p.indexOf('/');
    String bucket = decode(slash < 0 ? p : p.substring(0, slash));
    String key = slash < 0 ? "" : decode(p.substring(slash + 1));
    if (key.isEmpty()) {
      switch (method) {
        case "HEAD":
          return new Op("HeadBucket", "s3:ListBucket", bucket, "", List.of());
        case "PUT":
          return new Op("CreateBucket", "s3:CreateBucket", bucket, "", List.of());
        case "DELETE":
          return new Op("DeleteBucket", "s3:DeleteBucket", bucket, "", List.of());
        case "POST":
          if (query.containsKey("delete")) {
            return new Op("DeleteObjects", Policy.DELETE_OBJECT, bucket, "", List.of());
          }
          return new Op("PostBucket", "s3:Unknown", bucket, "", List.of());
        default:
          if (query.containsKey("location")) {
            return new Op("GetBucketLocation", "s3:GetBucketLocation", bucket, "", List.of());
          }
          if (query.containsKey("uploads")) {
            return new Op("ListMultipartUploads", "s3:ListBucketMultipartUploads", bucket, "", List.of());
          }
          if (query.containsKey("versions")) {
            return new Op("ListObjectVersions", "s3:ListBucketVersions", bucket, "", List.of());
          }
          return new Op(query.containsKey("list-type") ? "ListObjectsV2" : "ListObjects", Policy.LIST_BUCKET,
              bucket, query.getOrDefault("prefix", ""), List.of());
      }
    }
    List<String> keys = List.of(key);
    switch (method) {
      case "GET":
      case "HEAD":
        if (query.containsKey("uploadId")) {
          return new Op("ListParts", "s3:ListMultipartUploadParts", bucket, key, keys);
        }
        return new Op(method.equals("GET") ? "GetObject" : "HeadObject", Policy.GET_OBJECT, bucket, key, keys);
      case "PUT":
        if (query.containsKey("partNumber")) {
          return new Op("UploadPart", Policy.PUT_OBJECT, bucket, key, keys);
        }
        if (headers.containsKey("x-amz-copy-source")) {
          return new Op("CopyObject", Policy.PUT_OBJECT, bucket, key, keys);
        }
        return new Op("PutObject", Policy.PUT_OBJECT, bucket, key, keys);
      case "POST":
        if (query.containsKey("uploads")) {
          return new Op("CreateMultipartUpload", Policy.PUT_OBJECT, bucket, key, keys);
        }
        if (query.containsKey("uploadId")) {
          return new Op("CompleteMultipartUpload", Policy.PUT_OBJECT, bucket, key, keys);
        }
        return new Op("PostObject", "s3:Unknown", bucket, key, keys);
      case "DELETE":
        if (query.containsKey("uploadId")) {
          return new Op("AbortMultipartUpload", Policy.ABORT_MULTIPART_UPLOAD, bucket, key, keys);
        }
        return new Op("DeleteObject", Policy.DELETE_OBJECT, bucket, key, keys);
      default:
        return new Op(method, "s3:Unknown", bucket, key, keys);
    }
  }

  private void record(String method, Op op, int status, String outcome, long delayMs) {
    synchronized (requests) {
      if (requests.size() >= MAX_RECORDED) {
        requests.remove(0);
      }
      requests.add(new S3Request(method, op.operation, op.action, op.bucket == null ? "" : op.bucket,
          op.resource == null ? "" : op.resource, status, outcome, delayMs));
    }
  }

  private static void drain(InputStream in, long contentLength, boolean expectContinue, byte[] body)
      throws IOException {
    if (!expectContinue && body == null && contentLength > 0) {
      in.skipNBytes(contentLength);
    }
  }

  private static void respond(OutputStream out, int status, String code, String message, String method)
      throws IOException {
    String rid = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
        + message + "</Message><RequestId>" + rid + "</RequestId><HostId>litewake-testkit</HostId></Error>";
    byte[] body = method.equals("HEAD") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
    String reason = switch (status) {
      case 403 -> "Forbidden";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
    String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "x-amz-request-id: " + rid + "\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /** Reads an HTTP head up to the blank line, which is not included; null at end of stream. */
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
        throw new IOException("HTTP head too large");
      }
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
