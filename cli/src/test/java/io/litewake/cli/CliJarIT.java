package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.WalSegment;
import io.litewake.testsupport.S3Call;
import io.litewake.testsupport.S3Front;
import io.litewake.testsupport.S3Server;
import io.litewake.testsupport.S3Servers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The executable jar as a child process against S3Proxy (through a counting front): restore
 * (latest and a point in time), dry run, list, verify, the sidecar, policy, and bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliJarIT {
  private static final String BUCKET = S3Servers.SHARED_BUCKET;

  @TempDir static Path work;
  private S3Server server;
  private S3Front front;
  /** The replica written in two bursts, as the jar reaches it (through the front). */
  private URI replica;
  private String prefix;
  private List<String> afterFirstBurst;
  private List<String> afterSecondBurst;
  /** A time between the two bursts. */
  private Instant between;

  @BeforeAll
  void writeAReplicaInTwoBursts() throws Exception {
    server = S3Servers.S3PROXY.server();
    Jar.secret(server.secretKey());
    front = S3Front.builder(server.endpoint()).start();
    prefix = S3Servers.newPrefix();
    replica = server.replicaUri(front.endpoint(), BUCKET, prefix);
    Path db = Files.createDirectories(work.resolve("source")).resolve("app.db");
    try (Connection c = Dbs.create(db);
         Replicator r = Replicator.of(db).to(server.replicaUri(BUCKET, prefix)).syncInterval(Duration.ofMillis(100))
             .start()) {
      Dbs.burst(c, 1, 200);
      r.sync();
      afterFirstBurst = Dbs.dump(db);
      Thread.sleep(1100); // storage timestamps have whole seconds
      between = Instant.now();
      Thread.sleep(1100);
      Dbs.burst(c, 2, 200);
      r.sync();
      afterSecondBurst = Dbs.dump(db);
    }
    assertThat(afterSecondBurst).hasSize(400);
  }

  @AfterAll
  void stopFront() {
    if (front != null) {
      front.close();
    }
  }

  private Path dir(String name) throws Exception {
    return Files.createDirectories(work.resolve(name));
  }

  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void restoreOfTheLatestStateEqualsTheSource() throws Exception {
    Path dir = dir("latest");
    front.clearRequests();
    Jar.Run r = Jar.run(dir, "restore", "--integrity-check", "quick", "-o", "data/app.db", replica.toString());
    assertThat(r.code()).as(r::toString).isZero();
    assertThat(front.requests()).as("a restore only lists and reads: it never writes to the replica or claims it")
        .extracting(S3Call::method).containsOnly("GET");
    assertThat(r.out()).as(r::toString).startsWith("restored " + dir.resolve("data/app.db")).contains("generation ");
    assertThat(Dbs.dump(dir.resolve("data/app.db"))).isEqualTo(afterSecondBurst);
  }

  @Test
  void restoreAtATimestampBetweenTwoBurstsEqualsTheFirstBurst() throws Exception {
    Path dir = dir("pit");
    Jar.Run r = Jar.run(dir, "restore", "--progress", "bar", "--timestamp", between.toString(), "-o", "app.db",
        replica.toString());
    assertThat(r.code()).as(r::toString).isZero();
    assertThat(r.err()).as("a progress bar, ending at 100%").contains("\r[", "] 100%", " objects ", "/s ")
        .endsWith("done\n");
    assertThat(Dbs.dump(dir.resolve("app.db"))).isEqualTo(afterFirstBurst);
  }

  @Test
  void aDryRunPrintsThePlanAndDownloadsNothing() throws Exception {
    Path dir = dir("dry");
    S3Front.Counts before = front.counts();
    front.clearRequests();
    Jar.Run r = Jar.run(dir, "restore", "--dry-run", "-o", "app.db", replica.toString());
    S3Front.Counts sent = front.counts().minus(before);
    assertThat(r.code()).as(r::toString).isZero();
    ReplicaContents contents = Restore.from(server.replicaUri(BUCKET, prefix)).list();
    Generation g = contents.latest().orElseThrow();
    assertThat(r.out()).contains("dry run: nothing downloaded", "generation " + g.id(),
        g.snapshots().get(0).key(), "download  " + (1 + g.walSegments().size()) + " objects", "reaches   ");
    assertThat(sent.requests()).as("the listing").isPositive();
    assertThat(sent.byKind()).as("requests by kind: " + sent.byKind()).doesNotContainKey("GET");
    assertThat(front.requests()).extracting(S3Call::operation).doesNotContain("GetObject");
    assertThat(files(dir)).containsExactly("");
  }

  @Test
  void listJsonIsValidJsonNamingTheGenerationAndItsTimeWindow() throws Exception {
    Jar.Run r = Jar.run(dir("list"), "list", "--json", replica.toString());
    assertThat(r.code()).as(r::toString).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    Generation g = Restore.from(server.replicaUri(BUCKET, prefix)).list().latest().orElseThrow();
    assertThat(json.get("latest").asText()).isEqualTo(g.id());
    JsonNode gen = json.get("generations").get(0);
    assertThat(gen.get("id").asText()).isEqualTo(g.id());
    Instant from = Instant.parse(gen.get("restorable").get("from").asText());
    Instant to = Instant.parse(gen.get("restorable").get("to").asText());
    assertThat(from).isEqualTo(g.snapshots().get(0).createdAt()).isBefore(between);
    assertThat(to).isEqualTo(g.updatedAt()).isAfter(between);
    assertThat(json.get("restorable").get("to").asText()).isEqualTo(to.toString());
    assertThat(gen.get("wal").get(0).get("segments").asInt()).isPositive();
    assertThat(json.get("location").asText()).doesNotContain(server.secretKey()).contains("****");

    Jar.Run table = Jar.run(dir("list"), "list", replica.toString());
    assertThat(table.code()).as(table::toString).isZero();
    assertThat(table.out()).contains("GENERATION", g.id(), "latest", "restorable  ");
  }

  @Test
  void verifyPassesOnAGoodReplicaAndFailsNamingADamagedWalObject() throws Exception {
    String p = S3Servers.newPrefix();
    Path db = dir("verify-src").resolve("app.db");
    try (Connection c = Dbs.create(db);
         Replicator r = Replicator.of(db).to(server.replicaUri(BUCKET, p)).syncInterval(Duration.ofMillis(100)).start()) {
      for (int i = 0; i < 3; i++) {
        Dbs.burst(c, i, 30);
        r.sync();
      }
    }
    URI uri = server.replicaUri(front.endpoint(), BUCKET, p);
    Jar.Run ok = Jar.run(dir("verify"), "verify", uri.toString());
    assertThat(ok.code()).as(ok::toString).isZero();
    assertThat(ok.out()).contains("ok: ", "integrity_check ok", "read ");

    List<WalSegment> wal = Restore.from(server.replicaUri(BUCKET, p)).list().latest().orElseThrow().walSegments();
    String key = wal.get(wal.size() - 1).key();
    String objectKey = p + "/" + key;
    byte[] bytes = server.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(objectKey)).asByteArray();
    bytes[bytes.length / 2] ^= 0x40;
    server.client().putObject(b -> b.bucket(BUCKET).key(objectKey), RequestBody.fromBytes(bytes));

    Jar.Run bad = Jar.run(dir("verify"), "verify", uri.toString());
    assertThat(bad.code()).as(bad::toString).isEqualTo(1);
    assertThat(bad.errLines()).as(bad::toString).hasSize(1);
    assertThat(bad.err()).startsWith("litewake verify: FAILED").contains(key);
    assertThat(files(dir("verify"))).as("the drill's temporary files are gone").containsExactly("");
  }

  @Test
  void replicateIsASidecarForAPythonWriterAndStopsCleanlyOnSigterm() throws Exception {
    Path dir = dir("sidecar");
    Path db = dir.resolve("app.db");
    python(dir, "import sqlite3\n"
        + "c = sqlite3.connect('app.db')\n"
        + "c.execute('PRAGMA journal_mode=WAL')\n"
        + "c.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT, n INT)')\n"
        + "c.commit()\n");
    String p = S3Servers.newPrefix();
    URI uri = server.replicaUri(front.endpoint(), BUCKET, p);
    Process sidecar = Jar.command(dir, "replicate", "--sync-interval", "200ms", "app.db", uri.toString())
        .redirectOutput(dir.resolve("sidecar.out").toFile()).redirectError(dir.resolve("sidecar.err").toFile()).start();
    try {
      python(dir, "import sqlite3, time\n"
          + "c = sqlite3.connect('app.db', timeout=30)\n"
          + "for burst in range(10):\n"
          + "    for i in range(20):\n"
          + "        c.execute('INSERT INTO t (who, n) VALUES (?, ?)', ('python', burst * 100 + i))\n"
          + "    c.commit()\n"
          + "    time.sleep(0.1)\n"
          + "c.close()\n");
      assertThat(sidecar.isAlive()).as(() -> "the sidecar runs: " + read(dir.resolve("sidecar.err"))).isTrue();
      long t0 = System.nanoTime();
      sidecar.destroy(); // SIGTERM
      assertThat(sidecar.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s of SIGTERM").isTrue();
      assertThat(sidecar.exitValue()).as(() -> read(dir.resolve("sidecar.err"))).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    } finally {
      sidecar.destroyForcibly();
    }
    assertThat(read(dir.resolve("sidecar.err"))).as("quiet by default").isEmpty();
    Path restored = dir("sidecar-restore").resolve("app.db");
    Restore.from(server.replicaUri(BUCKET, p)).to(restored).run();
    List<String> expected = Dbs.dump(db);
    assertThat(expected).hasSize(200);
    assertThat(Dbs.dump(restored)).isEqualTo(expected);
  }

  @Test
  void anEncryptedReplicaRestoresWithTheIdentityFileAndNotWithout() throws Exception {
    Path dir = dir("age");
    java.security.KeyPair kp = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair();
    Path identity = Files.writeString(dir.resolve("key.txt"), "# test key\n" + kp.getPrivate() + "\n");
    Path db = dir.resolve("secret.db");
    java.net.URI store = Files.createDirectories(dir.resolve("store")).toUri();
    java.util.List<String> source;
    try (java.sql.Connection c = Dbs.create(db)) {
      try (io.litewake.Replicator r = io.litewake.Replicator.of(db).to(store).ageRecipients(kp.getPublic().toString())
          .start()) {
        try (java.sql.Statement s = c.createStatement()) {
          s.execute("CREATE TABLE notes (body TEXT)");
          s.execute("INSERT INTO notes VALUES ('only with the key')");
        }
        r.sync();
      }
      source = Dbs.dump(db);
    }
    Jar.Run without = Jar.run(dir, "restore", "-o", "plain.db", store.toString());
    assertThat(without.code()).as(without::toString).isEqualTo(1);
    assertThat(Files.exists(dir.resolve("plain.db"))).isFalse();
    Jar.Run with = Jar.run(dir, "restore", "--age-identity-file", identity.toString(), "-o", "decrypted.db",
        store.toString());
    assertThat(with.code()).as(with::toString).isZero();
    assertThat(Dbs.dump(dir.resolve("decrypted.db"))).isEqualTo(source);
    assertThat(with.out() + with.err()).doesNotContain(kp.getPrivate().toString());
  }

  @Test
  void policyRestoreOnlyGrantsReadsAndNoWrites() throws Exception {
    Jar.Run r = Jar.run(dir("policy"), "policy", "--restore-only", replica.toString());
    assertThat(r.code()).as(r::toString).isZero();
    assertThat(r.out()).contains("s3:GetObject", "s3:ListBucket", "arn:aws:s3:::" + BUCKET + "/" + prefix + "/*")
        .doesNotContain("s3:PutObject", "s3:DeleteObject");
    new ObjectMapper().readTree(r.out());
    Jar.Run full = Jar.run(dir("policy"), "policy", replica.toString());
    assertThat(full.out()).contains("s3:GetObject", "s3:PutObject", "s3:DeleteObject");
  }

  @Test
  void badInputIsOneLineOnStderrWithTheRightExitCodeAndWritesNothing() throws Exception {
    Path dir = dir("bad");
    Files.writeString(dir.resolve("existing.db"), "keep me");
    List<String> before = files(dir);

    Jar.Run unknownFlag = Jar.run(dir, "restore", "--bogus", "-o", "out.db", replica.toString());
    assertThat(unknownFlag.code()).as(unknownFlag::toString).isEqualTo(2);
    assertThat(unknownFlag.errLines()).as(unknownFlag::toString).hasSize(1);
    assertThat(unknownFlag.err()).contains("--bogus", "litewake restore --help");

    Jar.Run malformed = Jar.run(dir, "restore", "-o", "out.db", "s3://my bucket/app");
    assertThat(malformed.code()).as(malformed::toString).isEqualTo(2);
    assertThat(malformed.errLines()).as(malformed::toString).hasSize(1);
    assertThat(malformed.err()).contains("is not a URI", "s3://BUCKET/PREFIX");

    Jar.Run noBucket = Jar.run(dir, "restore", "-o", "sub/out.db",
        server.replicaUri(front.endpoint(), "no-such-bucket-litewake", "app").toString());
    assertThat(noBucket.code()).as(noBucket::toString).isEqualTo(1);
    assertThat(noBucket.errLines()).as(noBucket::toString).hasSize(1);
    assertThat(noBucket.err()).containsIgnoringCase("bucket").contains("no-such-bucket-litewake");

    Jar.Run exists = Jar.run(dir, "restore", "-o", "existing.db", replica.toString());
    assertThat(exists.code()).as(exists::toString).isEqualTo(1);
    assertThat(exists.errLines()).as(exists::toString).hasSize(1);
    assertThat(exists.err()).contains("the file exists", "--if-db-not-exists");

    Jar.Run kept = Jar.run(dir, "restore", "--if-db-not-exists", "-o", "existing.db", replica.toString());
    assertThat(kept.code()).as(kept::toString).isZero();
    assertThat(kept.out()).contains("nothing restored");

    assertThat(files(dir)).isEqualTo(before);
    assertThat(Files.readString(dir.resolve("existing.db"))).isEqualTo("keep me");
  }

  @Test
  void everyCommandHasHelpAndVersionPrintsTheVersion() throws Exception {
    for (String cmd : List.of("restore", "list", "verify", "replicate", "policy", "version")) {
      Jar.Run r = Jar.run(dir("help"), cmd, "--help");
      assertThat(r.code()).as(r::toString).isZero();
      assertThat(r.out()).contains("Usage: litewake " + cmd);
    }
    Jar.Run v = Jar.run(dir("help"), "version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("litewake 0.1.0");
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static void python(Path dir, String script) throws Exception {
    Process p = new ProcessBuilder("python3", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
