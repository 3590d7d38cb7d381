package io.litewake.bench;

import io.litewake.testsupport.Litestream;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the workloads run on: the work directory (databases, logs), one S3Proxy (child JVM) behind
 * a counting front, the Litestream runner, the Litewake child JVMs, and fresh key prefixes. Also
 * what the workloads ask of the store: objects under a prefix, waiting for quiet.
 */
final class Rig implements AutoCloseable {
  static final String BUCKET = "bench";

  private final Path work;
  private final ChildJvm children;
  private S3ProxyServer s3;
  private S3Front fwd;
  private Litestream ls;
  private int prefixes;

  Rig(Path work, boolean jfr) {
    this.work = work;
    this.children = new ChildJvm(work, jfr);
  }

  /** Installs Litestream if needed, starts S3Proxy and the counting front in front of it. */
  void start() throws Exception {
    ls = new Litestream(Litestream.binary(), work);
    s3 = S3ProxyServer.builder().directory(work.resolve("s3proxy")).start();
    s3.createBucket(BUCKET);
    // counts what each tool sends; keeps client connections alive, so the tools reuse theirs
    fwd = S3Front.builder(s3.endpoint()).recordLimit(1).start();
    Results.log("S3Proxy on " + s3.endpoint() + ", counting front on " + fwd.endpoint());
  }

  /** Stops the front and S3Proxy, those that started. */
  @Override
  public void close() throws Exception {
    if (fwd != null) {
      fwd.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  Path work() {
    return work;
  }

  Litestream litestream() {
    return ls;
  }

  /** What clients sent through the counting front so far. */
  S3Front.Counts counts() {
    return fwd.counts();
  }

  /** Runs {@link Child} in a -Xmx128m JVM; returns {ms, peak heap bytes, VmHWM kB (polled by us)}. */
  long[] child(List<String> args, String name) throws Exception {
    return children.run(args, name);
  }

  URI litewakeUri(String prefix) {
    return s3.replicaUri(fwd.endpoint(), BUCKET, prefix);
  }

  /** A Litestream configuration replicating {@code db} to {@code prefix} through the counting front. */
  Path lsConfig(Path db, String prefix, List<String> dbOptions, List<String> replicaOptions)
      throws IOException {
    StringBuilder replica = new StringBuilder(Litestream.s3Replica(fwd.endpoint(), s3.region(), BUCKET, prefix,
        s3.accessKey(), s3.secretKey()));
    for (String o : replicaOptions) {
      replica.append("\n  ").append(o);
    }
    return ls.config(db, replica.toString(), dbOptions.toArray(String[]::new));
  }

  /** SIGTERM (Litestream's final sync), unless it exited already (then a caller reported it). */
  static void stop(Litestream.Replicating side) throws InterruptedException {
    if (side.process().isAlive()) {
      side.stop();
    }
  }

  /** {@code litestream restore -o out -config cfg db}; returns {wall ms, peak RSS kB}. */
  long[] litestreamRestore(Path cfg, Path db, Path out) throws IOException, InterruptedException {
    Path log = work.resolve("restore-" + out.getFileName() + ".log");
    long t0 = System.nanoTime();
    Process p = ls.startRestore(cfg, db, out, log);
    long hwm = ProcStatus.watchPeak(p, 600);
    long ms = (System.nanoTime() - t0) / 1_000_000L;
    if (p.exitValue() != 0) {
      throw new IllegalStateException("litestream restore exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
    return new long[] {ms, hwm};
  }

  /** Waits until no client sent a byte to the store for {@code quietMs}, at most {@code maxMs}. */
  void quiet(long quietMs, long maxMs) throws InterruptedException {
    fwd.awaitQuiet(Duration.ofMillis(quietMs), Duration.ofMillis(maxMs));
  }

  String nextPrefix(String what) {
    return what + "-" + (++prefixes);
  }

  /** A new benchmark database in a new directory of the work directory. */
  Path newDb(String what) throws Exception {
    return BenchDb.createDb(Files.createTempDirectory(work, what));
  }

  /** A new benchmark database of about {@code mb} MB of compressible rows, checkpointed. */
  Path bigDb(String what, int mb) throws Exception {
    return BenchDb.fill(newDb(what), mb);
  }

  /** A copy of {@code src} in a new directory of the work directory. */
  Path copyDb(Path src, String what) throws IOException {
    Path dir = Files.createTempDirectory(work, what);
    Path db = dir.resolve("app.db");
    Files.copy(src, db, StandardCopyOption.REPLACE_EXISTING);
    return db;
  }

  /** Waits until a snapshot is in the store under {@code prefix}, then until the store is quiet. */
  void awaitSnapshot(String prefix, Litestream.Replicating side) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (side != null) {
        side.assertAlive();
      }
      if (ReplicaFiles.count(s3.objects(BUCKET, prefix), "/snapshots/") > 0) {
        quiet(1000, 600_000);
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no snapshot under " + prefix);
  }

  long walObjects(String prefix) throws IOException {
    return ReplicaFiles.count(s3.objects(BUCKET, prefix), "/wal/");
  }

  /** Snapshots and WAL objects under {@code prefix}: how many, how large. */
  String shape(String prefix) throws IOException {
    return ReplicaFiles.shape(s3.objects(BUCKET, prefix));
  }
}
