package io.litewake.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: a "strand". State that only
 * a strand's tasks touch needs no lock, and the strand costs no thread while it has nothing to do.
 * The queue is guarded by this object's monitor.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  private final Executor backing;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor backing) {
    this.backing = backing;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      backing.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (this) {
        running = false;
        queue.clear();
      }
      throw e;
    }
  }

  /** Submits a task and returns its future; a failure of the task completes it exceptionally. */
  <T> CompletableFuture<T> submit(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    execute(() -> {
      try {
        f.complete(task.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  private void drain() {
    boolean done = false;
    try {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = queue.poll();
          if (next == null) {
            running = false;
            done = true;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException | AssertionError | LinkageError e) {
          LOG.warn("litewake: a background task failed: {}", e.toString(), e);
        }
      }
    } finally {
      if (!done) {
        // an Error (out of memory, say) ends this thread's drain: hand what is queued to another
        synchronized (this) {
          running = false;
          if (!queue.isEmpty()) {
            running = true;
            try {
              backing.execute(this::drain);
            } catch (RuntimeException rejected) {
              running = false;
            }
          }
        }
      }
    }
  }
}
