package io.litewake.bench;

import io.litewake.Replicator;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of the {@code litewake} jar: from starting {@code java -jar litewake.jar restore
 * --dry-run} against a small replica on S3Proxy to its first request at the S3 front (the counting
 * front sees it), and to its exit, for the plain {@code java -jar} and for the launcher's JVM
 * flags. Prints a markdown table of medians over several runs. Run with {@code mvn -B -q -pl bench
 * -am -DskipTests package exec:java -Dbench.main=io.litewake.bench.CliStartupProbe
 * -Dexec.args="9"}.
 */
public final class CliStartupProbe {
  private CliStartupProbe() {}

  /**
   * Prints one row per JVM setup.
   *
   * @param args runs per setup (default 9)
   * @throws Exception if the replica cannot be written or the jar cannot run
   */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path jar = Path.of(System.getProperty("litewake.cli.jar", "cli/target/litewake.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: build it with mvn -pl cli -am -DskipTests package");
    }
    Path dir = Files.createTempDirectory("litewake-cli-startup");
    try (S3ProxyServer server = S3ProxyServer.start();
         S3Front front = S3Front.builder(server.endpoint()).start()) {
      server.createBucket("bench");
      URI direct = server.replicaUri("bench", "startup");
      URI viaFront = server.replicaUri(front.endpoint(), "bench", "startup");
      Path db = BenchDb.createDb(dir);
      try (Connection c = BenchDb.open(db); Statement s = c.createStatement();
           Replicator r = Replicator.of(db).to(direct).start()) {
        for (int i = 0; i < 20; i++) {
          s.execute("INSERT INTO t (k, v) VALUES ('k', randomblob(1000))");
        }
        r.sync();
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      System.out.println("| JVM flags | runs | first request, median (min-max) | exit, median |");
      System.out.println("|---|---|---|---|");
      Path jsa = dir.resolve("litewake.jsa");
      String[][] setups = {{}, {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"},
          {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + jsa}};
      for (String[] flags : setups) {
        if (flags.length > 0 && flags[flags.length - 1].startsWith("-XX:SharedArchiveFile")) { // a class data archive of one run
          Process dump = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + jsa, "-jar", jar.toString(), "restore",
              "--dry-run", "-o", dir.resolve("out.db").toString(), viaFront.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
          if (dump.waitFor() != 0 || !Files.isRegularFile(jsa)) {
            throw new IllegalStateException("cannot create the class data archive " + jsa);
          }
        }
        List<Long> first = new ArrayList<>();
        List<Long> exit = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
          List<String> cmd = new ArrayList<>(List.of(java));
          cmd.addAll(Arrays.asList(flags));
          cmd.addAll(List.of("-jar", jar.toString(), "restore", "--dry-run", "-o", dir.resolve("out.db").toString(),
              viaFront.toString()));
          long before = front.counts().requests();
          long t0 = System.nanoTime();
          Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD).start();
          long firstAt = -1;
          while (firstAt < 0 && p.isAlive()) {
            if (front.counts().requests() > before) {
              firstAt = System.nanoTime() - t0;
            }
            Thread.onSpinWait();
          }
          p.waitFor(30, TimeUnit.SECONDS);
          long exitAt = System.nanoTime() - t0;
          if (firstAt < 0 && front.counts().requests() > before) {
            firstAt = exitAt; // counted only as the process ended: an upper bound
          }
          if (p.exitValue() != 0 || firstAt < 0) {
            throw new IllegalStateException("restore --dry-run failed (exit " + p.exitValue() + ")");
          }
          if (i > 0) { // the first run warms the page cache
            first.add(firstAt / 1_000_000);
            exit.add(exitAt / 1_000_000);
          }
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %d ms (%d-%d) | %d ms |%n",
            flags.length == 0 ? "(none)" : String.join(" ", flags).replace(dir.toString(), "DIR"), runs, median(first),
            first.stream().mapToLong(Long::longValue).min().orElse(0),
            first.stream().mapToLong(Long::longValue).max().orElse(0), median(exit));
      }
    } finally {
      BenchDb.deleteTree(dir);
    }
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }
}
