package io.litewake.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.litewake.Compression;
import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.ReplicaEncryptionException;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import io.litewake.spi.Replica;
import io.litewake.spi.StoredObject;
import io.litewake.testing.Dbs;
import io.litewake.testsupport.Await;
import io.litewake.testsupport.Litestream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * age encryption between Litewake and the real Litestream v0.3.13 binary, both directions: a
 * Litewake LZ4 replica written with {@code ageRecipients} restores with {@code litestream restore}
 * given the identity in its {@code age.identities}; a replica Litestream wrote with {@code
 * age.recipients} restores with {@code Restore...ageIdentities(...)}. In both, every object under
 * {@code generations/} is an age file and none holds a marker written into the database in clear.
 */
abstract class AgeInteropScenarios extends InteropBase {
  static final String MARKER = "LITEWAKE-INTEROP-CLEAR-MARKER-0815";
  static final byte[] AGE = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);

  /** A fresh key pair: {@code age1...} and {@code AGE-SECRET-KEY-1...}. */
  static String[] keys() throws Exception {
    KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
    return new String[] {kp.getPublic().toString(), kp.getPrivate().toString()};
  }

  /** Litestream's per-replica {@code age:} block, appended to a replica entry. */
  static String ageYaml(String recipient, String identity) {
    return "\n  age:\n    identities:\n      - " + identity + "\n    recipients:\n      - " + recipient;
  }

  static void writeMarker(Connection c, int n) throws Exception {
    Dbs.exec(c, "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO notes (body) VALUES ('" + MARKER + " " + n + "')");
  }

  /** Every stored object: an age file, and no marker in it. */
  static void assertEncryptedWithoutMarker(Replica replica) throws Exception {
    List<StoredObject> objects = replica.list("generations/");
    assertThat(objects).isNotEmpty();
    byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
    for (StoredObject o : objects) {
      byte[] b;
      try (InputStream in = replica.open(o.key())) {
        b = in.readAllBytes();
      }
      assertThat(b).as("age header of %s", o.key()).startsWith(AGE);
      assertThat(contains(b, marker)).as("clear-text marker in %s", o.key()).isFalse();
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void encryptedLitewakeReplicaRestoresWithLitestream() throws Exception {
    String[] k = keys();
    ReplicaTarget target = newTarget(dir, "age-lw2ls");
    Replica rep = replica(target);
    Path db = dir.resolve("app.db");
    seed(db);
    try (Connection app = Dbs.open(db);
        Replicator r = Replicator.of(db).to(target.litewakeUri())
            .compression(Compression.LZ4)
            .ageRecipients(k[0])
            .syncInterval(Duration.ofMillis(100))
            .snapshotInterval(Duration.ofSeconds(1))
            .minCheckpointPages(8)
            .maxCheckpointPages(24)
            .start()) {
      for (int i = 0; i < 4; i++) {
        writeMarker(app, i);
        busy(db, 2, Duration.ofMillis(700));
        Thread.sleep(400);
      }
      writeMarker(app, 99);
      r.sync();
    }
    List<String> end = Dbs.dump(db);
    ReplicaContents contents = Restore.from(rep).list();
    Generation g = contents.latest().orElseThrow();
    assertThat(g.lastIndex()).as("WAL indexes in %s", describe(g)).isGreaterThanOrEqualTo(1);
    assertEncryptedWithoutMarker(rep);

    Path cfg = litestream.config(db, target.litestreamReplicaYaml() + ageYaml(k[0], k[1]));
    Path restored = dir.resolve("litestream.db");
    litestream.restore(cfg, db, restored);
    assertThat(Dbs.integrity(restored)).isEqualTo("ok");
    assertThat(Dbs.dump(restored)).isEqualTo(end);

    // Litestream without the identity cannot read it either
    String[] other = keys();
    Path wrongCfg = litestream.config(db, target.litestreamReplicaYaml() + ageYaml(other[0], other[1]));
    assertThatThrownBy(() -> litestream.restore(wrongCfg, db, dir.resolve("wrong.db")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(dir.resolve("wrong.db")).doesNotExist();
  }

  @Test
  void encryptedLitestreamReplicaRestoresWithLitewake() throws Exception {
    String[] k = keys();
    ReplicaTarget target = newTarget(dir, "age-ls2lw");
    Replica rep = replica(target);
    Path db = dir.resolve("app.db");
    seed(db);
    Path cfg = litestream.config(db, target.litestreamReplicaYaml() + "\n  sync-interval: 100ms" + ageYaml(k[0], k[1]),
        "monitor-interval: 100ms", "min-checkpoint-page-count: 16", "max-checkpoint-page-count: 200");
    List<String> end;
    try (Connection app = Dbs.open(db); Litestream.Replicating ls = litestream.replicate(cfg)) {
      Path probe = dir.resolve("probe.db");
      for (int phase = 1; phase <= 3; phase++) {
        writeMarker(app, phase);
        for (int i = 0; i < 5; i++) {
          write(app, phase, 40);
        }
        checkpoint(app, phase == 2 ? "TRUNCATE" : "PASSIVE");
        write(app, phase, 20);
        List<String> state = userTables(Dbs.dump(app));
        Await.atMost(LITESTREAM_LAG).pollEvery(Duration.ofMillis(200))
            .orElseReport(() -> "litestream log:\n" + ls.log())
            .until("Litestream's encrypted replica reaches the state of phase " + phase, () -> {
              Files.deleteIfExists(probe);
              RestoreResult r = Restore.from(rep).to(probe).ifReplicaExists().ageIdentities(k[1]).run();
              return r.restored() && userTables(Dbs.dump(probe)).equals(state);
            });
      }
      writeMarker(app, 9);
      ls.stop();
      end = Dbs.dump(app);
    }
    ReplicaContents contents = Restore.from(rep).list();
    assertThat(contents.latest().orElseThrow().walSegments()).as("WAL Litestream wrote: %s", describe(contents))
        .hasSizeGreaterThanOrEqualTo(3);
    assertEncryptedWithoutMarker(rep);

    Path latest = dir.resolve("litewake.db");
    RestoreResult r = Restore.from(target.litewakeUri()).to(latest).ageIdentities(k[1]).run();
    assertThat(r.restored()).isTrue();
    assertThat(Dbs.integrity(latest)).isEqualTo("ok");
    assertThat(Dbs.dump(latest)).isEqualTo(end);

    Path idFile = dir.resolve("key.txt");
    Files.writeString(idFile, "# created by the test\n" + k[1] + "\n");
    Path viaFile = dir.resolve("litewake-file.db");
    Restore.from(rep).to(viaFile).ageIdentityFile(idFile).run();
    assertThat(Dbs.dump(viaFile)).isEqualTo(end);

    Path none = dir.resolve("none.db");
    assertThatThrownBy(() -> Restore.from(rep).to(none).run()).isInstanceOf(ReplicaEncryptionException.class)
        .hasMessageContaining("generations/");
    assertThatThrownBy(() -> Restore.from(rep).to(none).ageIdentities(keys()[1]).run())
        .isInstanceOf(ReplicaEncryptionException.class).hasMessageContaining("other recipients");
    assertThat(none).doesNotExist();
  }
}
