package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.WalSegment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The WAL side of a restore, on a thread of its own while the snapshot streams into the database
 * on the caller's: takes the segments from the {@link RestoreFetcher} as they arrive and reads them
 * through a {@link WalApplier} into a {@link PageMerge}; once the snapshot is written, {@link
 * #writeTo} waits for it and writes the merged pages over the snapshot.
 *
 * <p>State: the applier and the merge belong to the merge thread until {@link #writeTo} joined
 * it; the page size arrives from the snapshot thread through a future.
 */
final class WalMerger implements AutoCloseable {
  /** The largest LZ4 segment decoded whole into the merge thread's reused buffer. */
  static final int SINK_LIMIT = 16 << 20;
  private final CompletableFuture<Integer> pageSize = new CompletableFuture<>();
  private final CompletableFuture<PageMerge> merged = new CompletableFuture<>();
  private final Thread thread;
  private volatile WalApplier applier;
  /** Set by {@link #writeTo}: the merge was taken (and closed) there. */
  private boolean taken;

  /**
   * Starts the merge thread; it waits for {@link #pageSize(int)} before reading a segment.
   *
   * @param fetcher the downloads; this thread is the only caller of its {@link RestoreFetcher#next()}
   * @param spillDir where the merge may spill pages
   */
  WalMerger(String name, String location, String generation, long firstIndex, List<WalSegment> segments,
      RestoreFetcher fetcher, Path spillDir) {
    thread = new Thread(() -> {
      PageMerge merge = null;
      try {
        merge = new PageMerge(pageSize.get(), spillDir, PageMerge.DEFAULT_MEMORY);
        WalApplier wal = new WalApplier(location, generation, firstIndex, merge, null);
        applier = wal;
        Lz4Frames.Sink sink = RestoreFetcher.sink(SINK_LIMIT);
        for (WalSegment w : segments) {
          try (RestoreFetcher.Fetched f = fetcher.next()) {
            wal.apply(w, f.source(sink));
          }
        }
        wal.finish();
        merged.complete(merge);
      } catch (Throwable t) {
        if (merge != null) {
          try {
            merge.close();
          } catch (IOException e) {
            t.addSuppressed(e);
          }
        }
        merged.completeExceptionally(t);
      }
    }, "litewake-restore-wal-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The snapshot's page size is known: the merge may start. */
  void pageSize(int size) {
    pageSize.complete(size);
  }

  /**
   * Waits for the merge and writes its pages over the snapshot in {@code db}.
   *
   * @return the WAL offset where the last segment ended
   */
  long writeTo(FileChannel db) throws IOException {
    PageMerge merge;
    taken = true;
    try {
      merge = merged.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LitewakeException("restore interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IOException(c);
    }
    try (merge) {
      merge.writeTo(db);
    }
    return applier.offset();
  }

  /** Stops the merge thread (a failed snapshot) and waits for it to end. */
  @Override
  public void close() {
    pageSize.completeExceptionally(new IOException("the snapshot was not applied"));
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!taken && merged.isDone() && !merged.isCompletedExceptionally()) {
      try {
        merged.join().close();
      } catch (IOException e) {
        // a spill file left in the work directory, which the fetcher removes
      }
    }
  }
}
