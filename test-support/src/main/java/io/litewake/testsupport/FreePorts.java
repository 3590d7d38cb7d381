package io.litewake.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Loopback ports for test servers. Stateless. */
public final class FreePorts {

  private FreePorts() {}

  /**
   * A port that was free on the loopback interface a moment ago; a server started on it may
   * still lose it to another process, so callers retry on a bind failure.
   *
   * @return the port
   * @throws UncheckedIOException if no socket can be opened
   */
  public static int find() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback socket", e);
    }
  }

  /**
   * Waits until something accepts connections on a loopback port.
   *
   * @param port the port
   * @param timeout how long to wait at most
   * @param alive checked before each try; once it returns false (the server process died),
   *     waiting stops
   * @return whether the port accepted a connection in time
   */
  public static boolean awaitListening(int port, Duration timeout, BooleanSupplier alive) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0 && alive.getAsBoolean()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return true;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }
}
