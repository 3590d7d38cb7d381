package io.litewake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Reads VmHWM / VmRSS (kB) from /proc/PID/status. */
final class ProcStatus {
  private ProcStatus() {}

  static long field(long pid, String name) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith(name + ":")) {
          return Long.parseLong(l.substring(name.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // process gone
    }
    return -1;
  }

  /** Polls the peak RSS of a running process until it exits; returns the last VmHWM seen (kB). */
  static long watchPeak(Process p, int timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long hwm = -1;
    while (p.isAlive() && System.nanoTime() < deadline) {
      long v = field(p.pid(), "VmHWM");
      hwm = Math.max(hwm, v);
      p.waitFor(20, TimeUnit.MILLISECONDS);
    }
    if (p.isAlive()) {
      p.destroyForcibly();
      throw new IllegalStateException("process " + p.pid() + " did not finish within " + timeoutSeconds + " s");
    }
    return hwm;
  }
}
