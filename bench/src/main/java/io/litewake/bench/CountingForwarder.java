package io.litewake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder in front of the S3 server that counts what clients send: bytes on the
 * wire (request heads and bodies) and requests, by kind (PUT, GET, LIST, HEAD, DELETE, POST). It
 * parses HTTP/1.1 framing passively (Content-Length and chunked bodies) on the client-to-server
 * direction; the bytes themselves are relayed untouched, so any client works the same way.
 */
final class CountingForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
  private volatile long lastActivity = System.nanoTime();
  private volatile boolean closed;

  CountingForwarder(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "forwarder-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** A snapshot of the counters. */
  record Counts(long requests, long bytesUp, long bodyBytes, long bytesDown, Map<String, Long> byKind) {
    Counts minus(Counts o) {
      Map<String, Long> m = new TreeMap<>(byKind);
      o.byKind.forEach((k, v) -> m.merge(k, -v, Long::sum));
      m.values().removeIf(v -> v == 0);
      return new Counts(requests - o.requests, bytesUp - o.bytesUp, bodyBytes - o.bodyBytes, bytesDown - o.bytesDown, m);
    }
  }

  Counts counts() {
    Map<String, Long> m = new TreeMap<>();
    byKind.forEach((k, v) -> m.put(k, v.get()));
    return new Counts(requests.get(), bytesUp.get(), bodyBytes.get(), bytesDown.get(), m);
  }

  /** Waits until no client byte was seen for {@code quietMs}, at most {@code maxMs}. */
  void awaitQuiet(long quietMs, long maxMs) throws InterruptedException {
    long deadline = System.nanoTime() + maxMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      long idle = (System.nanoTime() - lastActivity) / 1_000_000L;
      if (idle >= quietMs) {
        return;
      }
      Thread.sleep(Math.max(10, quietMs - idle));
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        up.setTcpNoDelay(true);
        Thread a = new Thread(() -> pump(client, up, true), "fwd-up");
        Thread b = new Thread(() -> pump(up, client, false), "fwd-down");
        a.setDaemon(true);
        b.setDaemon(true);
        a.start();
        b.start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("forwarder: " + e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream) {
    Parser parser = upstream ? new Parser() : null;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (upstream) {
          lastActivity = System.nanoTime();
          bytesUp.addAndGet(n);
          parser.feed(buf, n);
        } else {
          bytesDown.addAndGet(n);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // connection closed by either side
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException ignored) {
        // already closed
      }
      if (!upstream) {
        closeQuietly(from);
        closeQuietly(to);
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** Passive HTTP/1.1 request framing parser. */
  private final class Parser {
    private static final int HEAD = 0;
    private static final int BODY = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_DATA = 3;
    private static final int TRAILER = 4;
    private int state = HEAD;
    private final StringBuilder line = new StringBuilder();
    private boolean firstLine = true;
    private long contentLength;
    private boolean chunked;
    private long remaining;

    void feed(byte[] b, int n) {
      int i = 0;
      while (i < n) {
        if (state == BODY || state == CHUNK_DATA) {
          int take = (int) Math.min(remaining, n - i);
          i += take;
          remaining -= take;
          if (remaining == 0) {
            state = state == BODY ? HEAD : CHUNK_SIZE;
            firstLine = state == HEAD;
          }
          continue;
        }
        char c = (char) (b[i++] & 0xff);
        if (c == '\n') {
          String l = line.toString().trim();
          line.setLength(0);
          onLine(l);
        } else if (line.length() < 16_384) {
          line.append(c);
        }
      }
    }

    private void onLine(String l) {
      switch (state) {
        case HEAD -> {
          if (firstLine) {
            if (l.isEmpty()) {
              return; // stray CRLF between requests
            }
            firstLine = false;
            contentLength = 0;
            chunked = false;
            requests.incrementAndGet();
            byKind.computeIfAbsent(kind(l), k -> new AtomicLong()).incrementAndGet();
          } else if (l.isEmpty()) {
            if (chunked) {
              state = CHUNK_SIZE;
            } else if (contentLength > 0) {
              bodyBytes.addAndGet(contentLength);
              state = BODY;
              remaining = contentLength;
            } else {
              firstLine = true;
            }
          } else {
            String lower = l.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
              contentLength = Long.parseLong(l.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
              chunked = true;
            }
          }
        }
        case CHUNK_SIZE -> {
          if (l.isEmpty()) {
            return;
          }
          int semi = l.indexOf(';');
          long size = Long.parseLong(semi < 0 ? l : l.substring(0, semi), 16);
          if (size == 0) {
            state = TRAILER;
          } else {
            state = CHUNK_DATA;
            bodyBytes.addAndGet(size);
            remaining = size + 2; // data and its CRLF
          }
        }
        case TRAILER -> {
          if (l.isEmpty()) {
            state = HEAD;
            firstLine = true;
          }
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  static String kind(String requestLine) {
    String[] p = requestLine.split(" ");
    String method = p[0];
    String target = p.length > 1 ? p[1] : "/";
    if (method.equals("GET")) {
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      String query = q < 0 ? "" : target.substring(q + 1);
      long segments = path.chars().filter(ch -> ch == '/').count();
      boolean bucketOnly = segments <= 1 || (segments == 2 && path.endsWith("/"));
      if (bucketOnly || query.contains("list-type") || query.startsWith("prefix=") || query.contains("&prefix=")) {
        return "LIST";
      }
    }
    return method;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
