package io.litewake.cli;

import io.litewake.ReplicaDamagedException;
import io.litewake.Restore;
import io.litewake.RestorePlan;
import io.litewake.RestoreResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code litewake verify}: a restore drill. Restores into a temporary directory (every object
 * checked, {@code PRAGMA integrity_check}), reads the result once more, reports what it covered
 * and how long it took, and deletes it. Reads the replica only.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    header = "A restore drill: restores to a temporary file, checks it, reports.",
    description = {"A restore drill: restores the latest state (or --timestamp) into a temporary file, checks "
        + "every object and the result (PRAGMA integrity_check), prints what it covered and how long "
        + "it took, and deletes it. Exit code 1, naming the object, when anything is damaged or "
        + "missing.", ""})
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--timestamp", paramLabel = "T", converter = Converters.Timestamp.class,
      description = "Verify the state at T (RFC 3339) instead of the latest.")
  Instant timestamp;

  @Option(names = "--generation", paramLabel = "G", description = "Verify this generation instead of the latest.")
  String generation;

  @picocli.CommandLine.Mixin ReadOptions read;

  @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
      description = "auto (a bar on a terminal, a line every 5 s otherwise), bar, lines or none.")
  Progress.Mode progress;

  @Option(names = "--tmpdir", paramLabel = "DIR",
      description = "Where the temporary database goes (default: java.io.tmpdir); it needs the database's size.")
  Path tmpdir;

  @Parameters(index = "0", paramLabel = "URI", converter = Converters.ReplicaUri.class,
      description = "The replica: s3://BUCKET/PREFIX[?params] or file:///DIR.")
  URI uri;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Restore restore = Restore.from(uri);
    if (timestamp != null) {
      restore.at(timestamp);
    }
    if (generation != null) {
      restore.generation(generation);
    }
    read.applyTo(restore);
    Path dir = tmpdir == null ? Files.createTempDirectory("litewake-verify-")
        : Files.createTempDirectory(tmpdir, "litewake-verify-");
    long t0 = System.nanoTime();
    try {
      Path db = dir.resolve("verify.db");
      RestoreResult r;
      RestorePlan pl;
      try (Progress p = new Progress(err, progress, System::nanoTime)) {
        r = restore.to(db).listener(p).run();
        p.finish();
        pl = p.plan();
      } catch (ReplicaDamagedException e) {
        throw Litewake.Failure.failed("FAILED: " + Text.oneLine(e.getMessage()) + " [object " + e.key() + "]");
      }
      String check = check(db);
      if (!check.equals("ok")) {
        throw Litewake.Failure.failed("FAILED: the restored database does not pass integrity_check: " + check);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      out.println("ok: " + Text.mask(uri) + " restores");
      out.println("  generation  " + r.generation().orElseThrow() + (generation == null ? " (latest)" : ""));
      out.println("  snapshot    " + pl.snapshot().key() + "  " + Text.bytes(pl.snapshot().size()) + "  "
          + Text.time(pl.snapshot().createdAt()));
      out.println("  wal         " + (pl.segments().isEmpty() ? "none (the snapshot alone)"
          : pl.segments().size() + " segment" + (pl.segments().size() == 1 ? "" : "s") + ", index "
              + Text.hex(pl.snapshot().index()) + " to index " + Text.hex(r.index().orElseThrow()) + " offset "
              + Text.hex(r.offset().orElseThrow())));
      out.println("  as of       " + Text.time(r.pointInTime().orElseThrow())
          + (timestamp == null ? "" : " (asked: " + Text.time(timestamp) + ")"));
      out.println("  database    " + Text.bytes(r.databaseBytes().orElseThrow()) + ", " + tables(db)
          + " table(s), integrity_check ok");
      out.println("  read        " + r.objects() + " objects, " + Text.bytes(r.downloadedBytes()) + " in "
          + Text.duration(r.elapsed()) + " (whole drill " + Text.duration(took) + ")");
      return Litewake.OK;
    } finally {
      deleteTree(dir);
    }
  }

  private static String check(Path db) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
      StringBuilder sb = new StringBuilder();
      while (rs.next()) {
        sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
      }
      return sb.toString();
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static long tables(Path db) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw Litewake.Failure.failed("FAILED: cannot read the restored database: " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
