package io.litewake.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Its parts: {@link S3Operation} (what a request is), {@link HttpWire} (reading, answering,
 * forwarding), {@link Traffic} (the counts), {@link RequestLog} (the recorded requests).
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
  private volatile AccessPolicy policy;
  private final BucketRules rules = new BucketRules();
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "litewake-s3-front");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final RequestLog log;
  private final Traffic traffic = new Traffic();
  private volatile boolean closed;

  private S3Front(Builder b) {
    this.backend = b.backend;
    this.faults = b.faults;
    this.bucketRegion = b.bucketRegion;
    this.tamper = b.tamper;
    this.log = new RequestLog(b.recordLimit);
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
    return log.list();
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
    log.clear();
  }

  /**
   * The counts since the front started.
   *
   * @return a snapshot
   */
  public Counts counts() {
    return traffic.counts();
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
    return traffic.awaitQuiet(quiet, max);
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
      HttpWire.closeQuietly(s);
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
      InputStream in = traffic.in(new BufferedInputStream(client.getInputStream(), HttpWire.BUFFER));
      OutputStream out = traffic.out(new BufferedOutputStream(client.getOutputStream(), HttpWire.BUFFER));
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

  /** Handles one request; returns whether the connection stays open for another. */
  private boolean handle(Socket client, InputStream in, OutputStream out) throws IOException, InterruptedException {
    byte[] headBytes = HttpWire.readHead(in);
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
    S3Operation op = S3Operation.classify(method, target, headers);
    traffic.request(op.kind(method), contentLength);
    RequestLog.Call call = log.call(method, target, headers);

    if (headers.containsKey("transfer-encoding")) {
      call.record(op, 501, "refused");
      HttpWire.respond(out, 501, "NotImplemented", "A header you provided implies functionality that is not implemented"
          + " (chunked request bodies)", method, null);
      return false;
    }
    byte[] body = null;
    if (op.operation().equals("DeleteObjects")) {
      if (expectContinue) {
        out.write(HttpWire.CONTINUE);
        out.flush();
        expectContinue = false;
      }
      body = in.readNBytes((int) contentLength);
      Matcher m = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
      List<String> keys = new ArrayList<>();
      while (m.find()) {
        keys.add(m.group(1));
      }
      op = new S3Operation("DeleteObjects", AccessPolicy.DELETE_OBJECT, op.bucket(), String.join(",", keys), keys);
    }
    if (bucketRegion != null) {
      Matcher rm = REGION_IN_AUTH.matcher(headers.getOrDefault("authorization", ""));
      if (rm.find() && !rm.group(1).equals(bucketRegion)) {
        HttpWire.drain(in, contentLength, expectContinue, body);
        call.record(op, 400, "wrong-region");
        HttpWire.respond(out, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region '"
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
      HttpWire.drain(in, contentLength, expectContinue, body);
      call.record(op, 0, kind.code());
      client.setSoLinger(true, 0); // reset, no answer
      return false;
    }
    if (kind != null) {
      HttpWire.drain(in, contentLength, expectContinue, body);
      call.record(op, kind.status(), kind.code()); // recorded before the client sees it
      HttpWire.respond(out, kind.status(), kind.code(), kind.message(), method, null);
      return false;
    }
    AccessPolicy p = policy;
    if (p != null && !p.permits(op.action(), op.bucket(), op.resource(), op.keys())) {
      HttpWire.drain(in, contentLength, expectContinue, body);
      call.record(op, 403, S3Call.DENIED);
      HttpWire.respond(out, 403, "AccessDenied", "Access Denied", method, null);
      return false;
    }
    BucketRules.Answer refused = rules.answer(op.operation(), op.keys().size() == 1 ? op.keys().get(0) : "", headers);
    if (refused != null) {
      HttpWire.drain(in, contentLength, expectContinue, body);
      call.record(op, refused.status(), refused.code());
      HttpWire.respond(out, refused.status(), refused.code(), refused.message(), method, refused.extraXml());
      return false;
    }
    if (expectContinue) {
      out.write(HttpWire.CONTINUE);
      out.flush();
    }
    boolean flip = tamper && (op.operation().equals("PutObject") || op.operation().equals("UploadPart"));
    int[] status = {0};
    boolean[] recorded = {false};
    S3Operation forwarded = op;
    boolean keep;
    try {
      keep = HttpWire.forward(backend, in, out, method, lines, contentLength, body, flip, status, st -> {
        recorded[0] = true;
        call.record(forwarded, st, S3Call.FORWARDED); // before the client sees the answer
      }) && clientKeepsAlive;
    } catch (IOException e) {
      if (!recorded[0]) {
        call.record(op, status[0], S3Call.FORWARDED); // the client or the server went away
      }
      throw e;
    }
    if (!recorded[0]) {
      call.record(op, status[0], S3Call.FORWARDED); // no answer at all
    }
    return keep;
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
