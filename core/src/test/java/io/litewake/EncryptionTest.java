package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.litewake.testing.Dbs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client-side age encryption on a {@code file:} replica: every object is compressed, then
 * encrypted (with LZ4 and zstd), no byte of a marker written into the database reaches the
 * replica or the spool, a restore with the identity equals the source, and every way a restore
 * cannot decrypt (no identity, a wrong one, an unparsable one, a changed object) fails naming the
 * object (or the bad argument) with nothing at the output path. Keys are never printed.
 */
class EncryptionTest {
  static final String MARKER = "LITEWAKE-CLEAR-TEXT-MARKER-4711";
  static final byte[] AGE = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  record Keys(String recipient, String identity) {
    static Keys generate() throws Exception {
      KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
      return new Keys(kp.getPublic().toString(), kp.getPrivate().toString());
    }
  }

  /** Writes rows holding the marker in three transactions, with a snapshot between them. */
  private List<String> replicate(Path db, URI replica, Compression c, Keys keys) throws Exception {
    try (Connection app = Dbs.create(db)) {
      Dbs.exec(app, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
      try (Replicator r = Replicator.of(db).to(replica).compression(c).ageRecipients(keys.recipient())
          .syncInterval(Duration.ofMillis(50)).snapshotInterval(Duration.ofMillis(300)).start()) {
        for (int i = 0; i < 3; i++) {
          Dbs.exec(app, "INSERT INTO notes (body) VALUES ('" + MARKER + " " + i + "')");
          Dbs.insert(app, i, 20, 300);
          r.sync();
          Thread.sleep(400);
        }
        Dbs.exec(app, "INSERT INTO notes (body) VALUES ('" + MARKER + " last')");
        r.sync();
        assertNoMarker(spoolOf(db));
      }
      return Dbs.dump(app);
    }
  }

  private static Path spoolOf(Path db) {
    return db.resolveSibling("." + db.getFileName() + "-litewake");
  }

  private static List<Path> files(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static void assertNoMarker(Path root) throws Exception {
    byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
    for (Path f : files(root)) {
      byte[] b = Files.readAllBytes(f);
      assertThat(indexOf(b, marker)).as("clear-text marker in %s", f).isEqualTo(-1);
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyObjectIsEncryptedAndRestoresWithTheIdentity(Compression c) throws Exception {
    Keys keys = Keys.generate();
    Path db = dir.resolve("app.db");
    Path replicaDir = dir.resolve("replica");
    List<String> source = replicate(db, replicaDir.toUri(), c, keys);
    assertThat(source).anyMatch(l -> l.contains(MARKER));

    ReplicaContents contents = Restore.from(replicaDir.toUri()).list(); // listing needs no identity
    Generation g = contents.latest().orElseThrow();
    assertThat(g.snapshots()).isNotEmpty().allMatch(s -> s.compression() == c);
    assertThat(g.walSegments()).hasSizeGreaterThanOrEqualTo(3).allMatch(w -> w.compression() == c);
    List<Path> objects = files(replicaDir.resolve("generations"));
    assertThat(objects).isNotEmpty().allSatisfy(f -> {
      byte[] head = Files.readAllBytes(f);
      assertThat(head).as("age header of %s", f).startsWith(AGE);
    });
    assertNoMarker(replicaDir);

    Path out = dir.resolve("restored.db");
    RestoreResult r = Restore.from(replicaDir.toUri()).to(out).ageIdentities(keys.identity()).run();
    assertThat(r.generation()).contains(g.id());
    assertThat(Dbs.dump(out)).isEqualTo(source);
    assertThat(Dbs.integrity(out)).isEqualTo("ok");

    // an identity file as age-keygen writes it, plus an unrelated identity given as a string
    Path idFile = dir.resolve("key.txt");
    Files.writeString(idFile, "# created: 2026-01-01T00:00:00Z\n# public key: " + keys.recipient() + "\n"
        + keys.identity() + "\n");
    Path out2 = dir.resolve("restored2.db");
    Restore.from(replicaDir.toUri()).to(out2).ageIdentities(Keys.generate().identity()).ageIdentityFile(idFile).run();
    assertThat(Dbs.dump(out2)).isEqualTo(source);
  }

  @Test
  void restoresThatCannotDecryptFailNamingTheObjectAndWriteNothing() throws Exception {
    Keys keys = Keys.generate();
    Keys other = Keys.generate();
    Path db = dir.resolve("app.db");
    Path replicaDir = dir.resolve("replica");
    Path out = dir.resolve("out.db");
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> messages = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    List<String> source;
    try {
      source = replicate(db, replicaDir.toUri(), Compression.LZ4, keys);
      Path good = dir.resolve("good.db");
      Restore.from(replicaDir.toUri()).to(good).ageIdentities(keys.identity()).run();
      assertThat(Dbs.dump(good)).isEqualTo(source);
      // no identity
      Throwable none = catchRestore(() -> Restore.from(replicaDir.toUri()).to(out).run());
      assertThat(none).isInstanceOf(ReplicaEncryptionException.class)
          .hasMessageContaining("is encrypted with age").hasMessageContaining("ageIdentities");
      assertThat(((ReplicaEncryptionException) none).key()).startsWith("generations/").contains("/snapshots/");
      assertThat(none.getMessage()).contains(((ReplicaEncryptionException) none).key());
      assertThat(out).doesNotExist();
      messages.add(none.getMessage());

      // a wrong identity
      Throwable wrong = catchRestore(() -> Restore.from(replicaDir.toUri()).to(out).ageIdentities(other.identity()).run());
      assertThat(wrong).isInstanceOf(ReplicaEncryptionException.class).hasMessageContaining("other recipients");
      assertThat(wrong.getMessage()).contains(((ReplicaEncryptionException) wrong).key());
      assertThat(out).doesNotExist();
      messages.add(wrong.getMessage());

      // unparsable identities: refused at once, by position, never quoting the value
      String almost = keys.identity().substring(0, keys.identity().length() - 2) + "qq";
      assertThatThrownBy(() -> Restore.from(replicaDir.toUri()).ageIdentities(almost))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity 1")
          .satisfies(e -> messages.add(e.getMessage()));
      assertThatThrownBy(() -> Restore.from(replicaDir.toUri()).ageIdentities(keys.recipient()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a recipient")
          .satisfies(e -> messages.add(e.getMessage()));
      Path badFile = dir.resolve("bad.txt");
      Files.writeString(badFile, "# comment\n" + almost + "\n");
      assertThatThrownBy(() -> Restore.from(replicaDir.toUri()).ageIdentityFile(badFile))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2")
          .satisfies(e -> messages.add(e.getMessage()));
      assertThatThrownBy(() -> Restore.from(replicaDir.toUri()).ageIdentityFile(dir.resolve("missing.txt")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read");
      assertThatThrownBy(() -> Replicator.of(db).ageRecipients(keys.identity()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recipient 1")
          .satisfies(e -> messages.add(e.getMessage()));

      // a changed byte inside an encrypted chunk of the newest WAL segment: authentication fails
      Generation g = Restore.from(replicaDir.toUri()).list().latest().orElseThrow();
      WalSegment last = g.walSegments().get(g.walSegments().size() - 1);
      Path seg = replicaDir.resolve(last.key());
      byte[] b = Files.readAllBytes(seg);
      b[b.length - 20] ^= 0x01;
      Files.write(seg, b);
      Throwable tampered = catchRestore(() -> Restore.from(replicaDir.toUri()).to(out).ageIdentities(keys.identity()).run());
      assertThat(tampered).isInstanceOf(ReplicaDamagedException.class).hasMessageContaining("cannot be decrypted");
      assertThat(((ReplicaDamagedException) tampered).key()).isEqualTo(last.key());
      assertThat(out).doesNotExist();
      messages.add(tampered.getMessage());

      // a changed header (the recipient stanza)
      Snapshot snap = g.snapshots().get(g.snapshots().size() - 1);
      Path sf = replicaDir.resolve(snap.key());
      byte[] s = Files.readAllBytes(sf);
      s[40] ^= 0x01;
      Files.write(sf, s);
      Throwable header = catchRestore(() -> Restore.from(replicaDir.toUri()).to(out).ageIdentities(keys.identity()).run());
      assertThat(header).isInstanceOf(LitewakeException.class).hasMessageContaining(snap.key());
      assertThat(out).doesNotExist();
      messages.add(header.getMessage());
    } finally {
      System.setErr(err);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).contains("replicating to").contains("restored from"); // the log lines were captured
    for (String secret : List.of(keys.identity(), keys.recipient(), other.identity(), other.recipient(),
        keys.identity().substring(16, 40), keys.recipient().substring(4, 30))) {
      assertThat(logs).doesNotContain(secret);
      assertThat(messages).noneMatch(m -> m.contains(secret));
    }
    assertThat(source).isNotEmpty();
  }

  @Test
  void turningEncryptionOnStartsANewGenerationAndUploadsNothingInClear() throws Exception {
    Keys keys = Keys.generate();
    Path db = dir.resolve("app.db");
    Path replicaDir = dir.resolve("replica");
    String plainGen;
    try (Connection app = Dbs.create(db)) {
      try (Replicator r = Replicator.of(db).to(replicaDir.toUri()).syncInterval(Duration.ofMillis(50)).start()) {
        Dbs.insert(app, 1, 10, 100);
        r.sync();
        plainGen = r.status().position().generation();
      }
      List<String> reasons = new ArrayList<>();
      ReplicationListener l = new ReplicationListener() {
        @Override
        public void generationStarted(String generation, String reason) {
          reasons.add(reason);
        }
      };
      try (Replicator r = Replicator.of(db).to(replicaDir.toUri()).ageRecipients(keys.recipient()).listener(l)
          .syncInterval(Duration.ofMillis(50)).start()) {
        Dbs.exec(app, "CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('" + MARKER + "')");
        r.sync();
        assertThat(r.status().position().generation()).isNotEqualTo(plainGen);
      }
      assertThat(reasons).singleElement().asString().contains("age encryption settings changed");
      ReplicaContents contents = Restore.from(replicaDir.toUri()).list();
      Generation enc = contents.latest().orElseThrow();
      for (Path f : files(replicaDir.resolve("generations").resolve(enc.id()))) {
        assertThat(Files.readAllBytes(f)).startsWith(AGE);
      }
      assertNoMarker(replicaDir);
      Path out = dir.resolve("out.db");
      Restore.from(replicaDir.toUri()).to(out).ageIdentities(keys.identity()).run();
      assertThat(Dbs.dump(out)).isEqualTo(Dbs.dump(app));
      // the older, plain generation still restores without an identity
      Path old = dir.resolve("old.db");
      Restore.from(replicaDir.toUri()).to(old).generation(plainGen).run();
      assertThat(Dbs.scalar(old, "SELECT count(*) FROM t")).isEqualTo(10);
    }
  }

  private static Throwable catchRestore(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("the restore did not fail");
  }
}
