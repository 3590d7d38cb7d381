package io.litewake.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The peak of heap in use in this JVM, sampled every 5 ms by a daemon thread (the sum of per-pool
 * peaks would overstate it: the pools peak at different moments). The peak is written by the
 * sampler thread only.
 */
final class HeapPeak {
  private volatile long peak;

  private HeapPeak() {}

  /** Starts sampling. */
  static HeapPeak start() {
    HeapPeak h = new HeapPeak();
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    Thread sampler = new Thread(() -> {
      while (true) {
        h.peak = Math.max(h.peak, mem.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return h;
  }

  /** The highest heap use sampled so far, in bytes. */
  long peak() {
    return peak;
  }
}
