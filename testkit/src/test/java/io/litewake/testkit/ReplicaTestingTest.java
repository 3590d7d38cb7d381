package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Replicator;
import io.litewake.testsupport.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore-to-temp, row-for-row comparison and listing; EmbeddedS3 without JUnit; S3Proxy. */
class ReplicaTestingTest {

  @TempDir Path dir;

  @Test
  void differencesNameTableRowAndValues() throws Exception {
    try (Db a = new Db(dir.resolve("a.db")); Db b = new Db(dir.resolve("b.db"))) {
      a.insert(5);
      b.insert(5);
      assertThat(ReplicaTesting.differences(a.file, b.file)).isEmpty();
      b.exec("UPDATE orders SET amount = 999 WHERE id = 2");
      b.exec("DELETE FROM orders WHERE id = 4");
      b.exec("INSERT INTO orders VALUES (42, 'x', 1)");
      a.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID");
      b.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID");
      a.exec("INSERT INTO kv VALUES ('a', X'0102')");
      b.exec("INSERT INTO kv VALUES ('a', X'0103')");
      b.exec("CREATE INDEX by_customer ON orders(customer)");
      assertThat(ReplicaTesting.differences(a.file, b.file)).containsExactly(
          "schema: unexpected index by_customer (CREATE INDEX by_customer ON orders(customer))",
          "kv: row (k='a', v=X'0102') is missing: expected (k='a', v=X'0102')",
          "kv: unexpected row (k='a', v=X'0103'): (k='a', v=X'0103')",
          "orders: row rowid=2 differs: expected (id=2, customer='customer-2', amount=14) but was"
              + " (id=2, customer='customer-2', amount=999)",
          "orders: row rowid=4 is missing: expected (id=4, customer='customer-4', amount=28)",
          "orders: unexpected row rowid=42: (id=42, customer='x', amount=1)");
      assertThatThrownBy(() -> ReplicaTesting.assertSameData(a.conn, b.conn)).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("databases differ").hasMessageContaining("rowid=4 is missing");
    }
  }

  @Test
  void embeddedS3WithoutJUnitRestoresToTempAndDetectsALaggingReplica() throws Exception {
    try (EmbeddedS3 s3 = EmbeddedS3.start(); Db db = new Db(dir.resolve("live.db"))) {
      URI uri = s3.uri("apps/orders");
      try (Replicator r = Replicator.of(db.file).to(uri).start()) {
        db.insert(25);
        r.sync();
        Path restored = ReplicaTesting.restoreToTemp(uri);
        assertThat(Db.count(restored)).isEqualTo(25);
        ReplicaTesting.assertSameData(db.file, restored);
        assertThat(ReplicaTesting.contents(uri).generations()).hasSize(1);
        assertThat(ReplicaTesting.describe(uri)).startsWith("1 generation(s) in s3://litewake-test/apps/orders")
            .contains("1 snapshot(s)");
        assertThat(s3.keys("apps/orders")).isNotEmpty().allMatch(k -> k.startsWith("apps/orders/generations/")
            || k.equals("apps/orders/litewake/writer.properties")); // the replicator's writer claim
        db.exec("DELETE FROM orders WHERE id = 3"); // not synced yet
        assertThatThrownBy(() -> ReplicaTesting.assertSameData(db.file, restored))
            .hasMessageContaining("orders: unexpected row rowid=3");
      }
      assertThat(s3.deleteReplica("apps/orders")).isPositive();
      assertThat(s3.keys("apps/orders")).isEmpty();
    }
  }

  @Test
  void aClosedEmbeddedS3SaysSo() {
    EmbeddedS3 s3 = EmbeddedS3.start();
    URI endpoint = s3.endpoint();
    s3.close();
    s3.close();
    assertThat(S3ExtensionTest.listening(endpoint)).isFalse();
    assertThatThrownBy(() -> s3.uri("orders")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void s3ProxyBackendReplicatesThroughFaultsAndPolicy() throws Exception {
    try (EmbeddedS3 s3 = EmbeddedS3.builder().s3proxy().bucket("proxied").start();
        Db db = new Db(dir.resolve("p.db"))) {
      assertThat(s3.backend()).isEqualTo(EmbeddedS3.Backend.S3PROXY);
      URI uri = s3.uri("orders");
      s3.policy(Policy.replicate("orders"));
      try (Replicator r = Replicator.of(db.file).to(uri).start()) {
        db.insert(10);
        r.sync();
        s3.faults().internalError(1);
        db.insert(10);
        r.sync();
      }
      ReplicaTesting.assertReplicaMatches(uri, db.file);
      assertThat(s3.requests()).noneMatch(S3Request::denied).anyMatch(q -> q.outcome().equals("InternalError"));
    }
  }

  @Test
  void aMissingS3ProxyJarSaysHowToGetIt() throws Exception {
    String home = System.getProperty("user.home");
    String jar = System.getProperty(S3ProxyServer.JAR_PROPERTY);
    String repo = System.getProperty("maven.repo.local");
    try {
      System.setProperty("user.home", Files.createDirectories(dir.resolve("home")).toString());
      System.clearProperty(S3ProxyServer.JAR_PROPERTY);
      System.clearProperty("maven.repo.local");
      assertThatThrownBy(S3ProxyServer::locateJar).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("S3Proxy jar not found")
          .hasMessageContaining("mvn dependency:get -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies");
      assertThatThrownBy(() -> EmbeddedS3.builder().s3proxy(dir.resolve("nope.jar")).start())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.jar does not exist");
    } finally {
      System.setProperty("user.home", home);
      if (jar != null) {
        System.setProperty(S3ProxyServer.JAR_PROPERTY, jar);
      }
      if (repo != null) {
        System.setProperty("maven.repo.local", repo);
      }
    }
  }
}
