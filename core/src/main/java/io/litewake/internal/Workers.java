package io.litewake.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads replication work runs on: one scheduler for timers and WAL polls (short tasks only)
 * and a bounded pool for passes and uploads, whose threads end after 30 seconds without work.
 * Several databases can share one instance: each database's work runs on strands
 * ({@link SerialExecutor}) over it, so an idle database costs no thread. The executors are
 * thread-safe; whoever created the instance shuts it down.
 */
public final class Workers implements AutoCloseable {
  private final ScheduledThreadPoolExecutor scheduler;
  private final ThreadPoolExecutor pool;
  /** Ends the checkpointer's short write locks on time: never behind the timer's other work. */
  private ScheduledThreadPoolExecutor releaser;

  private final String name;

  /**
   * Creates the threads (lazily: none runs before the first task).
   *
   * @param name the name part of the threads, e.g. the database file name
   * @param poolSize the most threads running passes and uploads at once
   */
  public Workers(String name, int poolSize) {
    this.name = name;
    scheduler = new ScheduledThreadPoolExecutor(1, factory("litewake-timer-" + name));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setKeepAliveTime(30, TimeUnit.SECONDS);
    scheduler.allowCoreThreadTimeOut(true);
    pool = new ThreadPoolExecutor(poolSize, poolSize, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        factory("litewake-work-" + name));
    pool.allowCoreThreadTimeOut(true);
  }

  private static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  ExecutorService pool() {
    return pool;
  }

  /** A timer for millisecond deadlines only (made on first use; its thread ends when idle). */
  synchronized ScheduledExecutorService releaser() {
    if (releaser == null) {
      releaser = new ScheduledThreadPoolExecutor(1, factory("litewake-release-" + name));
      releaser.setKeepAliveTime(30, TimeUnit.SECONDS);
      releaser.allowCoreThreadTimeOut(true);
      releaser.setRemoveOnCancelPolicy(true);
      if (pool.isShutdown()) {
        releaser.shutdown();
      }
    }
    return releaser;
  }

  /** Stops both executors; running tasks are interrupted, queued ones dropped. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    pool.shutdownNow();
    synchronized (this) {
      if (releaser != null) {
        releaser.shutdownNow();
      }
    }
  }
}
