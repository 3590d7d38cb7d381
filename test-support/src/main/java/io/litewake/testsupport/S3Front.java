package io.litewake.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP front for a path-style S3 server. Each request is mapped to its S3 operation
 * and IAM action, then, in this order: a request signed for another region than the configured
 * bucket region is answered {@code 400 AuthorizationHeaderMalformed} as S3 does; the {@link
 * FaultSchedule} may delay it, answer it with an S3 error or drop its connection; the {@link
 * AccessPolicy} may refuse it with {@code 403 AccessDenied}; the rest is forwarded byte for byte
 * (optionally flipping one byte of upload bodies). Every request is recorded as an {@link
 * S3Call}, and the bytes and requests clients send are counted ({@link #counts()}).
 *
 * <p>Client connections are kept alive as HTTP/1.1 allows; each forwarded request gets its own
 * connection to the server. Chunked request bodies are refused with {@code 501 NotImplemented},
 * as S3 refuses them. {@code Expect: 100-continue} is answered by the front itself.
 *
 * <p>Thread-safe: a thread per client connection; the policy is a volatile reference, the
 * request log is guarded by itself, counters are atomic.
 *
 * <pre>{@code
 * try (S3Front front = S3Front.builder(server.endpoint())
 *     .policy(new AccessPolicy(bucket, prefix + "/", AccessPolicy.REPLICATE)).start()) {
 *   URI uri = server.replicaUri(front.endpoint(), bucket, prefix);
 *   ...
 *   assertThat(front.denied()).isEmpty();
 * }
 * }</pre>
 */
public final class S3Front implements AutoCloseable {
  private static final Pattern DELETE_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);
  private static final Pattern REGION_IN_AUTH = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/s3/");
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int BUFFER = 64 * 1024;

  /**
   * What clients sent through the front: requests, bytes on the wire and bodies, by kind.
   *
   * @param requests requests received
   * @param bytesUp bytes clients sent (request heads and bodies)
   * @param bodyBytes request body bytes
   * @param bytesDown bytes sent back to clients
   * @param byKind requests by kind: the HTTP method, or {@code LIST} for a listing
   */
  public record Counts(long requests, long bytesUp, long bodyBytes, long bytesDown, Map<String, Long> byKind) {
    /**
     * Copies the map.
     *
     * @param requests see the record component
     * @param bytesUp see the record component
     * @param bodyBytes see the record component
     * @param bytesDown see the record component
     * @param byKind see the record component
     */
    public Counts {
      byKind = java.util.Collections.unmodifiableMap(new TreeMap<>(byKind));
    }

    /**
     * What was counted since an earlier snapshot.
     *
     * @param earlier the earlier counts
     * @return the difference (kinds with no difference left out)
     */
    public Counts minus(Counts earlier) {
      Map<String, Long> m = new TreeMap<>(byKind);
      earlier.byKind.forEach((k, v) -> m.merge(k, -v, Long::sum));
      m.values().removeIf(v -> v == 0);
      return new Counts(requests - earlier.requests, bytesUp - earlier.bytesUp, bodyBytes - earlier.bodyBytes,
          bytesDown - earlier.bytesDown, m);
    }
  }

  private final URI backend;
  private final FaultSchedule faults;
  private final String bucketRegion;
  private final boolean tamper;
  private final int recordLimit;
  private volatile AccessPolicy policy;
  private final BucketRules rules = new BucketRules();
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "litewake-s3-front");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Deque<S3Call> calls = new ArrayDeque<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
  private volatile long lastActivity = System.nanoTime();
  private volatile boolean closed;

  private S3Front(Builder b) {
    this.backend = b.backend;
    this.faults = b.faults;
    this.bucketRegion = b.bucketRegion;
    this.tamper = b.tamper;
    this.recordLimit = b.recordLimit;
    this.policy = b.policy;
    try {
      this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on a loopback port", e);
    }
    pool.execute(this::acceptLoop);
  }

  /**
   * Starts describing a front for a server.
   *
   * @param backend the server's endpoint, {@code http://127.0.0.1:PORT}
   * @return a builder
   */
  public static Builder builder(URI backend) {
    return new Builder(backend);
  }

  /**
   * The front's endpoint, to use in place of the server's.
   *
   * @return {@code http://127.0.0.1:PORT}
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * The fault schedule requests go through.
   *
   * @return the schedule given to the builder, or a new empty one
   */
  public FaultSchedule faults() {
    return faults;
  }

  /**
   * Enforces a policy from now on, replacing the previous one.
   *
   * @param p the policy, or null to allow everything
   */
  public void policy(AccessPolicy p) {
    this.policy = p;
  }

  /**
   * The policy in force.
   *
   * @return the policy, or null if everything is allowed
   */
  public AccessPolicy policy() {
    return policy;
  }

  /**
   * How the bucket answers where S3 would refuse what the server behind accepts: archived objects,
   * Object Lock (see {@link BucketRules}); empty at first.
   *
   * @return the rules, to change at any time
   */
  public BucketRules bucketRules() {
    return rules;
  }

  /**
   * The recorded requests, oldest first (at most the builder's record limit, the newest kept).
   *
   * @return an immutable copy
   */
  public List<S3Call> requests() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /**
   * The requests the policy refused.
   *
   * @return an immutable list
   */
  public List<S3Call> denied() {
    return requests().stream().filter(S3Call::denied).toList();
  }

  /** Forgets the recorded requests (the counts stay). */
  public void clearRequests() {
    synchronized (calls) {
      calls.clear();
    }
  }

  /**
   * The counts since the front started.
   *
   * @return a snapshot
   */
  public Counts counts() {
    Map<String, Long> m = new TreeMap<>();
    byKind.forEach((k, v) -> m.put(k, v.get()));
    return new Counts(requests.get(), bytesUp.get(), bodyBytes.get(), bytesDown.get(), m);
  }

  /**
   * Waits until no client sent a byte for {@code quiet}, at most {@code max}.
   *
   * @param quiet how long clients must have been silent
   * @param max how long to wait at most
   * @return whether it became quiet in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long quietNanos = quiet.toNanos();
    while (true) {
      long idle = System.nanoTime() - lastActivity;
      if (idle >= quietNanos) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(Math.max(10, (quietNanos - idle) / 1_000_000L));
    }
  }

  /** Stops listening and closes every connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    pool.shutdownNow();
  }

  @Override
  public String toString() {
    return "S3Front[" + endpoint() + " -> " + backend + (policy == null ? "" : ", " + policy) + "]";
  }

  // ------------------------------------------------------------------ connections

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        pool.execute(() -> serve(client));
      } catch (IOException | RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setTcpNoDelay(true);
      InputStream in = new CountingIn(new BufferedInputStream(client.getInputStream(), BUFFER));
      OutputStream out = new CountingOut(new BufferedOutputStream(client.getOutputStream(), BUFFER));
      while (!closed && handle(client, in, out)) {
        // next request on the same connection
      }
    } catch (IOException e) {
      // the client or the server went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(client);
    }
  }

  private record Op(String operation, String action, String bucket, String resource, List<String> keys) {}

  /** Handles one request; returns whether the connection stays open for another. */
  private boolean handle(Socket client, InputStream in, OutputStream out) throws IOException, InterruptedException {
    byte[] headBytes = readHead(in);
    if (headBytes == null) {
      return false;
    }
    String[] lines = new String(headBytes, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length < 2) {
      return false;
    }
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
    boolean expectContinue = "100-continue".equalsIgnoreCase(headers.get("expect"));
    boolean clientKeepsAlive = !"close".equalsIgnoreCase(headers.get("connection"))
        && !(requestLine.length > 2 && requestLine[2].equals("HTTP/1.0"));
    Op op = classify(method, target, headers);
    requests.incrementAndGet();
    byKind.computeIfAbsent(kind(op, method), k -> new AtomicLong()).incrementAndGet();
    bodyBytes.addAndGet(contentLength);
    Call call = new Call(method, target, headers);

    if (headers.containsKey("transfer-encoding")) {
      call.record(op, 501, "refused");
      respond(out, 501, "NotImplemented", "A header you provided implies functionality that is not implemented"
          + " (chunked request bodies)", method, null);
      return false;
    }
    byte[] body = null;
    if (op.operation.equals("DeleteObjects")) {
      if (expectContinue) {
        out.write(CONTINUE);
        out.flush();
        expectContinue = false;
      }
      body = in.readNBytes((int) contentLength);
      Matcher m = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
      List<String> keys = new ArrayList<>();
      while (m.find()) {
        keys.add(m.group(1));
      }
      op = new Op("DeleteObjects", AccessPolicy.DELETE_OBJECT, op.bucket, String.join(",", keys), keys);
    }
    if (bucketRegion != null) {
      Matcher rm = REGION_IN_AUTH.matcher(headers.getOrDefault("authorization", ""));
      if (rm.find() && !rm.group(1).equals(bucketRegion)) {
        drain(in, contentLength, expectContinue, body);
        call.record(op, 400, "wrong-region");
        respond(out, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region '"
            + rm.group(1) + "' is wrong; expecting '" + bucketRegion + "'", method,
            "<Region>" + bucketRegion + "</Region>");
        return false;
      }
    }
    FaultSchedule.Decision decision = faults.next();
    if (!decision.delay().isZero()) {
      call.delayMs = decision.delay().toMillis();
      Thread.sleep(call.delayMs);
    }
    FaultSchedule.Kind kind = decision.kind();
    if (kind == FaultSchedule.Kind.DROP) {
      drain(in, contentLength, expectContinue, body);
      call.record(op, 0, kind.code());
      client.setSoLinger(true, 0); // reset, no answer
      return false;
    }
    if (kind != null) {
      drain(in, contentLength, expectContinue, body);
      call.record(op, kind.status(), kind.code()); // recorded before the client sees it
      respond(out, kind.status(), kind.code(), kind.message(), method, null);
      return false;
    }
    AccessPolicy p = policy;
    if (p != null && !p.permits(op.action, op.bucket, op.resource, op.keys)) {
      drain(in, contentLength, expectContinue, body);
      call.record(op, 403, S3Call.DENIED);
      respond(out, 403, "AccessDenied", "Access Denied", method, null);
      return false;
    }
    BucketRules.Answer refused = rules.answer(op.operation, op.keys.size() == 1 ? op.keys.get(0) : "", headers);
    if (refused != null) {
      drain(in, contentLength, expectContinue, body);
      call.record(op, refused.status(), refused.code());
      respond(out, refused.status(), refused.code(), refused.message(), method, refused.extraXml());
      return false;
    }
    if (expectContinue) {
      out.write(CONTINUE);
      out.flush();
    }
    boolean flip = tamper && (op.operation.equals("PutObject") || op.operation.equals("UploadPart"));
    int[] status = {0};
    boolean keep;
    try {
      keep = forward(in, out, method, lines, contentLength, body, flip, status) && clientKeepsAlive;
    } catch (IOException e) {
      call.record(op, status[0], S3Call.FORWARDED); // the client or the server went away
      throw e;
    }
    call.record(op, status[0], S3Call.FORWARDED);
    return keep;
  }

  /**
   * Sends the request to the server on a new connection and relays the answer; returns whether
   * the client connection can carry another request.
   */
  private boolean forward(InputStream in, OutputStream out, String method, String[] lines, long contentLength,
      byte[] body, boolean flip, int[] status) throws IOException {
    try (Socket up = new Socket()) {
      up.connect(new InetSocketAddress(backend.getHost(), backend.getPort()), 5000);
      up.setTcpNoDelay(true);
      OutputStream upOut = new BufferedOutputStream(up.getOutputStream(), BUFFER);
      InputStream upIn = new BufferedInputStream(up.getInputStream(), BUFFER);
      StringBuilder sb = new StringBuilder(lines[0]).append("\r\n");
      for (int i = 1; i < lines.length; i++) {
        String lower = lines[i].toLowerCase(Locale.ROOT);
        if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:") && !lower.startsWith("expect:")) {
          sb.append(lines[i]).append("\r\n");
        }
      }
      sb.append("Connection: close\r\n\r\n");
      boolean upstreamOpen = true;
      try {
        upOut.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
          upOut.write(body);
        }
      } catch (IOException e) {
        upstreamOpen = false;
      }
      if (body == null) {
        // the whole body is read from the client even if the server stops taking it, so that
        // the connection stays in step
        byte[] buf = new byte[BUFFER];
        long left = contentLength;
        long pos = 0;
        long flipAt = contentLength / 2;
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            return false;
          }
          if (flip && flipAt >= pos && flipAt < pos + n) {
            buf[(int) (flipAt - pos)] ^= 0x01;
          }
          if (upstreamOpen) {
            try {
              upOut.write(buf, 0, n);
            } catch (IOException e) {
              upstreamOpen = false; // the server answered early and closed; its answer follows
            }
          }
          left -= n;
          pos += n;
        }
      }
      if (upstreamOpen) {
        try {
          upOut.flush();
        } catch (IOException e) {
          // as above
        }
      }
      return relayResponse(upIn, out, method, status);
    }
  }

  /** Copies the server's final answer to the client, with the client connection's framing. */
  private static boolean relayResponse(InputStream upIn, OutputStream out, String method, int[] status)
      throws IOException {
    String[] lines;
    while (true) {
      byte[] head = readHead(upIn);
      if (head == null) {
        return false; // no answer: the client sees the connection close
      }
      lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
      String[] parts = lines[0].split(" ");
      status[0] = parts.length > 1 ? parseInt(parts[1]) : 0;
      if (status[0] < 100 || status[0] >= 200) {
        break; // 1xx answers are not relayed: the front answered 100-continue itself
      }
    }
    long length = -1;
    boolean chunked = false;
    StringBuilder sb = new StringBuilder(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String lower = lines[i].toLowerCase(Locale.ROOT);
      if (lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
        continue;
      }
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lines[i].substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
      sb.append(lines[i]).append("\r\n");
    }
    boolean noBody = method.equals("HEAD") || status[0] == 204 || status[0] == 304;
    boolean framed = noBody || length >= 0 || chunked;
    if (!framed) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (noBody) {
      out.flush();
      return true;
    }
    if (length >= 0 && !chunked) {
      long copied = copy(upIn, out, length);
      out.flush();
      return copied == length;
    }
    upIn.transferTo(out); // chunked or close-delimited: the server closes after its answer
    out.flush();
    return chunked;
  }

  private static long copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buf = new byte[BUFFER];
    long left = length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        break;
      }
      out.write(buf, 0, n);
      left -= n;
    }
    return length - left;
  }

  // ------------------------------------------------------------------ classification

  private static String kind(Op op, String method) {
    return op.operation.startsWith("List") ? "LIST" : method;
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
      return classifyBucketCall(method, bucket, query);
    }
    List<String> keys = List.of(key);
    switch (method) {
      case "GET":
      case "HEAD":
        if (query.containsKey("uploadId")) {
          return new Op("ListParts", "s3:ListMultipartUploadParts", bucket, key, keys);
        }
        return new Op(method.equals("GET") ? "GetObject" : "HeadObject", AccessPolicy.GET_OBJECT, bucket, key, keys);
      case "PUT":
        if (query.containsKey("partNumber")) {
          return new Op("UploadPart", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        if (headers.containsKey("x-amz-copy-source")) {
          return new Op("CopyObject", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        return new Op("PutObject", AccessPolicy.PUT_OBJECT, bucket, key, keys);
      case "POST":
        if (query.containsKey("uploads")) {
          return new Op("CreateMultipartUpload", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        if (query.containsKey("uploadId")) {
          return new Op("CompleteMultipartUpload", AccessPolicy.PUT_OBJECT, bucket, key, keys);
        }
        return new Op("PostObject", "s3:Unknown", bucket, key, keys);
      case "DELETE":
        if (query.containsKey("uploadId")) {
          return new Op("AbortMultipartUpload", AccessPolicy.ABORT_MULTIPART_UPLOAD, bucket, key, keys);
        }
        return new Op("DeleteObject", AccessPolicy.DELETE_OBJECT, bucket, key, keys);
      default:
        return new Op(method, "s3:Unknown", bucket, key, keys);
    }
  }

  private static Op classifyBucketCall(String method, String bucket, Map<String, String> query) {
    switch (method) {
      case "HEAD":
        // AWS authorizes HeadBucket with s3:ListBucket
        return new Op("HeadBucket", AccessPolicy.LIST_BUCKET, bucket, "", List.of());
      case "PUT":
        return new Op("CreateBucket", "s3:CreateBucket", bucket, "", List.of());
      case "DELETE":
        return new Op("DeleteBucket", "s3:DeleteBucket", bucket, "", List.of());
      case "POST":
        if (query.containsKey("delete")) {
          return new Op("DeleteObjects", AccessPolicy.DELETE_OBJECT, bucket, "", List.of());
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
        return new Op(query.containsKey("list-type") ? "ListObjectsV2" : "ListObjects", AccessPolicy.LIST_BUCKET,
            bucket, query.getOrDefault("prefix", ""), List.of());
    }
  }

  // ------------------------------------------------------------------ recording

  /** One request being handled: what is recorded about it. */
  private final class Call {
    final String method;
    final String target;
    final Map<String, String> headers;
    long delayMs;

    Call(String method, String target, Map<String, String> requestHeaders) {
      this.method = method;
      this.target = target;
      Map<String, String> kept = new LinkedHashMap<>();
      requestHeaders.forEach((k, v) -> {
        if (k.equals("content-md5") || k.startsWith("x-amz-server-side-encryption")
            || k.equals("x-amz-storage-class") || k.equals("content-length") || k.startsWith("x-amz-object-lock-")
            || k.equals("if-none-match")) {
          kept.put(k, k.contains("customer-key") && !k.endsWith("md5") ? "****" : v);
        }
      });
      this.headers = kept;
    }

    void record(Op op, int status, String outcome) {
      S3Call c = new S3Call(method, target, op.operation, op.action, op.bucket == null ? "" : op.bucket,
          op.resource == null ? "" : op.resource, headers, status, outcome, delayMs);
      synchronized (calls) {
        if (calls.size() >= recordLimit) {
          calls.removeFirst();
        }
        calls.addLast(c);
      }
    }
  }

  // ------------------------------------------------------------------ HTTP helpers

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
        + "</RequestId><HostId>litewake-s3-front</HostId></Error>";
    byte[] body = method.equals("HEAD") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
    String reason = switch (status) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 412 -> "Precondition Failed";
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
    ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
    int state = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return buf.size() == 0 ? null : buf.toByteArray();
      }
      if (state == 0 && buf.size() == 0 && (b == '\r' || b == '\n')) {
        continue; // stray CRLF between messages
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
        return Arrays.copyOf(all, all.length - 4);
      }
      if (buf.size() > 64 * 1024) {
        throw new IOException("HTTP head too large");
      }
    }
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Counts what clients send and notes when they last did. */
  private final class CountingIn extends FilterInputStream {
    CountingIn(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        bytesUp.incrementAndGet();
        lastActivity = System.nanoTime();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        bytesUp.addAndGet(n);
        lastActivity = System.nanoTime();
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      if (s > 0) {
        bytesUp.addAndGet(s);
        lastActivity = System.nanoTime();
      }
      return s;
    }
  }

  /** Counts what goes back to clients. */
  private final class CountingOut extends FilterOutputStream {
    CountingOut(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytesDown.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      bytesDown.addAndGet(len);
    }
  }

  /** Describes an {@link S3Front}. Not thread-safe. */
  public static final class Builder {
    private final URI backend;
    private AccessPolicy policy;
    private FaultSchedule faults = new FaultSchedule();
    private String bucketRegion;
    private boolean tamper;
    private int recordLimit = 100_000;

    private Builder(URI backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * Enforces a policy from the start.
     *
     * @param p the policy
     * @return this builder
     */
    public Builder policy(AccessPolicy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /**
     * Takes faults from this schedule (default: a new empty one, see {@link S3Front#faults()}).
     *
     * @param schedule the schedule, possibly shared with a facade that fills it
     * @return this builder
     */
    public Builder faults(FaultSchedule schedule) {
      this.faults = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * Answers requests signed for another region as S3 does for a bucket in {@code region}
     * ({@code 400 AuthorizationHeaderMalformed} naming the right region).
     *
     * @param region the bucket's region
     * @return this builder
     */
    public Builder bucketRegion(String region) {
      this.bucketRegion = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Flips one byte in the middle of every PutObject and UploadPart body on its way to the
     * server: a store that corrupts uploads in transit.
     *
     * @return this builder
     */
    public Builder tamperUploads() {
      this.tamper = true;
      return this;
    }

    /**
     * How many requests {@link S3Front#requests()} keeps, the newest (default 100,000).
     *
     * @param limit at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public Builder recordLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("record limit must be at least 1, was " + limit);
      }
      this.recordLimit = limit;
      return this;
    }

    /**
     * Starts listening on a free loopback port.
     *
     * @return the running front; close it when done
     * @throws UncheckedIOException if no port can be opened
     */
    public S3Front start() {
      return new S3Front(this);
    }
  }
}
