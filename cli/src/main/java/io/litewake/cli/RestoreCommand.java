package io.litewake.cli;

import io.litewake.IntegrityCheck;
import io.litewake.Restore;
import io.litewake.RestorePlan;
import io.litewake.RestoreResult;
import io.litewake.WalSegment;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code litewake restore}: {@code litestream restore}'s flags on {@link Restore}. Reads the
 * replica only: it never writes to it or claims it.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    header = "Restores a database from a replica (latest, point in time, or end of a WAL index).",
    description = {"Restores a database from a replica: the latest state, a point in time (--timestamp) or the"
        + " end of a WAL index (--generation and --index). The output appears atomically, checked by "
        + "PRAGMA integrity_check; a failed restore leaves nothing at the output path. Reads the "
        + "replica only.", ""})
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "PATH",
      description = "The database file to write; its directory is created if missing.")
  Path output;

  @Option(names = "--timestamp", paramLabel = "T", converter = Converters.Timestamp.class,
      description = "Restore the newest state whose objects are not newer than T (RFC 3339, such as 2026-11-20T10:15:00Z).")
  Instant timestamp;

  @Option(names = "--generation", paramLabel = "G", description = "Restore from this generation (16 hex digits, as 'list' shows) instead of the latest.")
  String generation;

  @Option(names = "--index", paramLabel = "N", converter = Converters.HexIndex.class,
      description = "Restore up to the end of this WAL index (hexadecimal, as Litestream and 'list' write it) of --generation.")
  Long index;

  @Option(names = "--if-db-not-exists", description = "Succeed without restoring when the output file exists.")
  boolean ifDbNotExists;

  @Option(names = "--if-replica-exists", description = "Succeed without restoring when the replica is empty.")
  boolean ifReplicaExists;

  @picocli.CommandLine.Mixin ReadOptions read;

  @Option(names = "--integrity-check", paramLabel = "CHECK",
      description = "The SQLite check of the result before it is moved into place: FULL (PRAGMA integrity_check,"
          + " default), QUICK (quick_check: no index-to-table check) or NONE. Every object is checksum-verified"
          + " either way.")
  IntegrityCheck integrityCheck;

  @Option(names = "--dry-run", description = "Print what the restore would download and the point in time it reaches; download and write nothing.")
  boolean dryRun;

  @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
      description = "auto (a bar on a terminal, a line every 5 s otherwise), bar, lines or none. Progress goes to stderr.")
  Progress.Mode progress;

  @Parameters(index = "0", paramLabel = "URI", converter = Converters.ReplicaUri.class,
      description = "The replica: s3://BUCKET/PREFIX[?params] or file:///DIR.")
  URI uri;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (index != null && generation == null) {
      throw Litewake.Failure.usage("--index needs --generation: WAL indexes are per generation");
    }
    if (index != null && timestamp != null) {
      throw Litewake.Failure.usage("--timestamp and --index both choose where the restore ends; give one");
    }
    Path target = output.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw Litewake.Failure.failed("cannot restore to " + target + ": it is a directory; give the database file's path");
    }
    if (Files.exists(target)) {
      if (ifDbNotExists) {
        out.println((dryRun ? "dry run: nothing would be restored: " : "nothing restored: ") + target
            + " exists (--if-db-not-exists)");
        return Litewake.OK;
      }
      throw Litewake.Failure.failed("cannot restore to " + target + ": the file exists; remove it first, or pass"
          + " --if-db-not-exists to keep it");
    }
    Restore restore = Restore.from(uri);
    if (timestamp != null) {
      restore.at(timestamp);
    }
    if (generation != null) {
      restore.generation(generation);
    }
    if (index != null) {
      restore.index(index);
    }
    if (ifReplicaExists) {
      restore.ifReplicaExists();
    }
    read.applyTo(restore);
    if (integrityCheck != null) {
      restore.integrityCheck(integrityCheck);
    }
    if (dryRun) {
      Optional<RestorePlan> plan = restore.plan();
      if (plan.isEmpty()) {
        out.println("dry run: nothing would be restored: the replica " + Text.mask(uri) + " is empty (--if-replica-exists)");
      } else {
        printPlan(out, plan.get(), target);
      }
      return Litewake.OK;
    }
    List<Path> created = createParents(target);
    RestoreResult r;
    boolean done = false;
    try (Progress p = new Progress(err, progress, System::nanoTime)) {
      r = restore.to(target).listener(p).run();
      p.finish();
      done = true;
    } finally {
      if (!done) {
        removeEmpty(created);
      }
    }
    if (r.skipped().isPresent()) {
      out.println("nothing restored: the replica " + Text.mask(uri) + " is empty (--if-replica-exists)");
      return Litewake.OK;
    }
    out.println(summary(r));
    return Litewake.OK;
  }

  /** Creates the missing directories above {@code target}; returns them, the deepest last. */
  private static List<Path> createParents(Path target) {
    List<Path> missing = new ArrayList<>();
    for (Path p = target.getParent(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    try {
      for (Path p : missing) {
        Files.createDirectory(p);
      }
    } catch (java.io.IOException e) {
      removeEmpty(missing);
      throw Litewake.Failure.failed("cannot create the directory " + target.getParent() + " for " + target + ": "
          + e + "; create it, or choose another --output");
    }
    return missing;
  }

  /** Removes directories this command created, deepest first, if they are still empty. */
  private static void removeEmpty(List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(created.get(i));
      } catch (java.io.IOException e) {
        return; // not empty, or not ours to remove any more
      }
    }
  }

  static String summary(RestoreResult r) {
    return String.format("restored %s: generation %s, snapshot index %s, up to index %s offset %s, as of %s;"
            + " %s database, %d objects (%s) read in %s",
        r.database().toAbsolutePath(), r.generation().orElseThrow(), Text.hex(r.snapshotIndex().orElseThrow()),
        Text.hex(r.index().orElseThrow()), Text.hex(r.offset().orElseThrow()), Text.time(r.pointInTime().orElseThrow()),
        Text.bytes(r.databaseBytes().orElseThrow()), r.objects(), Text.bytes(r.downloadedBytes()),
        Text.duration(r.elapsed()));
  }

  /** The plan, for people: what would be downloaded, grouped by WAL index. */
  static void printPlan(PrintWriter out, RestorePlan plan, Path target) {
    out.println("dry run: nothing downloaded, nothing written");
    out.println("would restore " + target + " from generation " + plan.generation().id()
        + (plan.generation().fenced() ? " (fenced)" : ""));
    plan.passedOver().ifPresent(g -> out.println("  (newer generation " + g + " has no snapshot yet: passed over)"));
    out.printf("  snapshot  %s  %s  %s%n", plan.snapshot().key(), Text.bytes(plan.snapshot().size()),
        Text.time(plan.snapshot().createdAt()));
    Map<Long, List<WalSegment>> byIndex = new LinkedHashMap<>();
    for (WalSegment w : plan.segments()) {
      byIndex.computeIfAbsent(w.index(), k -> new ArrayList<>()).add(w);
    }
    if (byIndex.isEmpty()) {
      out.println("  wal       none (the snapshot alone)");
    }
    for (Map.Entry<Long, List<WalSegment>> e : byIndex.entrySet()) {
      List<WalSegment> ws = e.getValue();
      long size = ws.stream().mapToLong(WalSegment::size).sum();
      out.printf("  wal       index %s  %d segment%s  offsets %s-%s  %s  %s to %s%n", Text.hex(e.getKey()), ws.size(),
          ws.size() == 1 ? "" : "s", Text.hex(ws.get(0).offset()), Text.hex(ws.get(ws.size() - 1).offset()),
          Text.bytes(size), Text.time(ws.get(0).createdAt()), Text.time(ws.get(ws.size() - 1).createdAt()));
    }
    out.printf("  download  %d object%s, %s%n", plan.objects(), plan.objects() == 1 ? "" : "s", Text.bytes(plan.bytes()));
    out.printf("  reaches   %s (index %s)%n", Text.time(plan.pointInTime()), Text.hex(plan.endIndex()));
  }
}
