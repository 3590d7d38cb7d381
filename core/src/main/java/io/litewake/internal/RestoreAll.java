package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ReplicatorGroup.restoreAll}: one listing of the base finds the databases (the names that
 * have {@code <name>/generations/} objects), then each one missing locally is restored through
 * a child of the base replica (one store client for all), a few at a time. Runs on the caller's
 * thread and a pool that lives for the call.
 */
public final class RestoreAll {
  private static final Logger LOG = LoggerFactory.getLogger("io.litewake.ReplicatorGroup");

  private RestoreAll() {}

  /**
   * Restores every database under {@code base} missing in {@code dir}.
   *
   * @param base the common replica location
   * @param dir the local directory
   * @param parallel how many restores run at once
   * @return one result per database found, by name
   */
  public static List<RestoreResult> run(URI base, Path dir, int parallel) {
    Checks.requireArgument(Files.isDirectory(dir), "cannot restore into " + dir + ": it is not a directory; create it first");
    try (Replica root = Replicas.open(base)) {
      TreeSet<String> names = new TreeSet<>();
      for (StoredObject o : root.list("")) {
        int slash = o.key().indexOf('/');
        if (slash > 0 && o.key().startsWith(Layout.GENERATIONS, slash + 1)) {
          names.add(o.key().substring(0, slash));
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, names.size())), r -> {
        Thread t = new Thread(r, "litewake-restore-all");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<RestoreResult>> futures = new ArrayList<>();
        for (String name : names) {
          futures.add(pool.submit(() -> restoreOne(root, name, dir.resolve(name))));
        }
        List<RestoreResult> results = new ArrayList<>();
        for (Future<RestoreResult> f : futures) {
          results.add(f.get());
        }
        long failed = results.stream().filter(r -> r.failure().isPresent()).count();
        LOG.info("litewake: restoreAll from {} into {}: {} databases, {} restored, {} failed", root.location(), dir,
            results.size(), results.stream().filter(RestoreResult::restored).count(), failed);
        return results;
      } finally {
        pool.shutdownNow();
      }
    } catch (IOException e) {
      throw new LitewakeException("cannot list " + Redact.uri(base) + " to restore its databases: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LitewakeException("restoreAll from " + Redact.uri(base) + " was interrupted", e);
    } catch (ExecutionException e) {
      throw new LitewakeException("restoreAll from " + Redact.uri(base) + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static RestoreResult restoreOne(Replica root, String name, Path target) {
    long t0 = System.nanoTime();
    Replica child;
    try {
      child = root.child(name);
    } catch (UnsupportedOperationException e) {
      return RestoreResult.failed(target, new LitewakeException("cannot restore " + name + ": " + root.location()
          + " cannot open replicas below it (" + e.getMessage() + ")", e), Duration.ofNanos(System.nanoTime() - t0));
    }
    try (child) {
      return Restore.from(child).to(target).ifDatabaseMissing().parallelism(4).run();
    } catch (LitewakeException e) {
      LOG.warn("litewake [{}]: restore from {} failed: {}", name, child.location(), e.getMessage());
      return RestoreResult.failed(target, e, Duration.ofNanos(System.nanoTime() - t0));
    }
  }
}
