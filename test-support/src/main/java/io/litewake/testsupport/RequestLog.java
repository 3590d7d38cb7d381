package io.litewake.testsupport;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests an {@link S3Front} handled, as {@link S3Call}s, oldest first, at most a limit of
 * them (the newest kept). Thread-safe: guarded by the deque.
 */
final class RequestLog {
  private final int limit;
  private final Deque<S3Call> calls = new ArrayDeque<>();

  RequestLog(int limit) {
    this.limit = limit;
  }

  /** A request being handled, to record once its outcome is known. */
  Call call(String method, String target, Map<String, String> requestHeaders) {
    return new Call(method, target, requestHeaders);
  }

  /** The recorded requests, oldest first, as an immutable copy. */
  List<S3Call> list() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** Forgets the recorded requests. */
  void clear() {
    synchronized (calls) {
      calls.clear();
    }
  }

  /** One request being handled: what is recorded about it. */
  final class Call {
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

    void record(S3Operation op, int status, String outcome) {
      S3Call c = new S3Call(method, target, op.operation(), op.action(), op.bucket() == null ? "" : op.bucket(),
          op.resource() == null ? "" : op.resource(), headers, status, outcome, delayMs);
      synchronized (calls) {
        if (calls.size() >= limit) {
          calls.removeFirst();
        }
        calls.addLast(c);
      }
    }
  }
}
