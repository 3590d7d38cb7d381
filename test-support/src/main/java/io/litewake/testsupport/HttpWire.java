package io.litewake.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * The HTTP/1.1 that {@link S3Front} speaks: reading a head, answering with an S3 error, skipping
 * a body, and forwarding a request to the server on a new connection with the answer relayed to
 * the client connection.
 */
final class HttpWire {
  static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  static final int BUFFER = 64 * 1024;

  private HttpWire() {}

  /**
   * Sends the request to the server on a new connection and relays the answer; returns whether
   * the client connection can carry another request. {@code answered} is told the server's final
   * status before a byte of it reaches the client, so that whoever records requests has recorded
   * this one when the client sees its answer.
   */
  static boolean forward(URI backend, InputStream in, OutputStream out, String method, String[] lines,
      long contentLength, byte[] body, boolean flip, int[] status, java.util.function.IntConsumer answered)
      throws IOException {
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
      return relayResponse(upIn, out, method, status, answered);
    }
  }

  /** Copies the server's final answer to the client, with the client connection's framing. */
  private static boolean relayResponse(InputStream upIn, OutputStream out, String method, int[] status,
      java.util.function.IntConsumer answered) throws IOException {
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
    answered.accept(status[0]);
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

  /** Skips the body of a refused request, unless it was read already or never asked for (100-continue). */
  static void drain(InputStream in, long contentLength, boolean expectContinue, byte[] body)
      throws IOException {
    if (!expectContinue && body == null && contentLength > 0) {
      in.skipNBytes(contentLength);
    }
  }

  /** Answers with an S3 error document (empty for HEAD) and closes the connection's framing. */
  static void respond(OutputStream out, int status, String code, String message, String method,
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
  static byte[] readHead(InputStream in) throws IOException {
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

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
