package io.litewake.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.testkit.ReplicaTesting;
import io.litewake.testkit.S3Extension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The application as a team runs it, its replica on the testkit's in-process S3 server: orders
 * reach the replica, {@code /actuator/health} shows {@code litewake}, {@code /actuator/metrics}
 * lists the {@code litewake.*} meters and the lag moves while the store is unreachable.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "litewake.sync-interval=100ms")
@DirtiesContext // close the application (a final sync) before the S3 server and the data directory go
class OrdersApplicationTest {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();
  @TempDir static Path data;

  @DynamicPropertySource
  static void litewake(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + data.resolve("orders.db"));
    registry.add("litewake.replica", () -> s3.uri("orders").toString());
  }

  @LocalServerPort int port;
  @Autowired Replicator replicator;

  @Test
  void ordersReachTheReplica() {
    Http http = new Http(port);
    for (int i = 1; i <= 5; i++) {
      assertThat(http.post("/orders", "{\"item\":\"widget\",\"quantity\":" + i + "}").status()).isEqualTo(201);
    }
    assertThat(http.get("/orders").json().size()).isGreaterThanOrEqualTo(5);
    replicator.sync();
    ReplicaTesting.assertReplicaMatches(s3.uri("orders"), data.resolve("orders.db"));
  }

  @Test
  void healthShowsLitewakeUpWithItsDetails() {
    replicator.sync();
    Http.Response health = new Http(port).get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    JsonNode litewake = health.json().path("components").path("litewake");
    assertThat(litewake.path("status").asString()).isEqualTo("UP");
    JsonNode details = litewake.path("details");
    assertThat(details.path("database").asString()).isEqualTo("orders.db");
    assertThat(details.path("position").asString()).matches("[0-9a-f]{16}/[0-9a-f]{8}/[0-9a-f]{8}");
    assertThat(details.path("lag").asString()).isEqualTo("PT0S");
    assertThat(details.path("pendingBytes").asLong()).isZero();
    assertThat(details.path("lastUpload").isMissingNode()).isFalse();
    assertThat(details.path("replica").asString()).startsWith("s3://").doesNotContain(s3.server().secretKey());
  }

  @Test
  void metricsListTheLitewakeMetersAndTheLagMovesDuringAStoreOutage() throws Exception {
    Http http = new Http(port);
    List<String> names = new ArrayList<>();
    http.get("/actuator/metrics").json().path("names").forEach(n -> names.add(n.asString()));
    assertThat(names).contains("litewake.replication.lag", "litewake.replication.pending", "litewake.uploads",
        "litewake.upload.bytes", "litewake.generations", "litewake.sync", "litewake.fenced");
    replicator.sync();
    assertThat(lag(http)).isZero();

    s3.faults().outage(Duration.ofSeconds(3)); // every request: 503 ServiceUnavailable
    http.post("/orders", "{\"item\":\"during the outage\",\"quantity\":1}");
    Http.await(Duration.ofSeconds(10), "the lag grows during the outage", () -> lag(http) > 0.5);
    assertThat(http.get("/actuator/metrics/litewake.replication.pending").json().path("measurements").path(0)
        .path("value").asDouble()).isPositive();
    Http.await(Duration.ofSeconds(30), "the lag is back to zero after the outage", () -> lag(http) == 0);
    assertThat(http.get("/actuator/metrics/litewake.uploads?tag=outcome:failure").json().path("measurements")
        .path(0).path("value").asDouble()).isPositive();
  }

  @Test
  void theLitewakeEndpointShowsTheStatusAndWhatTheReplicaHolds() {
    replicator.sync();
    JsonNode out = new Http(port).get("/actuator/litewake").json();
    assertThat(out.path("status").path("position").asString()).isNotEmpty();
    assertThat(out.path("startup").path("createdDatabase").asBoolean()).isTrue(); // the first boot
    assertThat(out.path("contents").path("generations").size()).isEqualTo(1);
  }

  private static double lag(Http http) {
    return http.get("/actuator/metrics/litewake.replication.lag").json().path("measurements").path(0)
        .path("value").asDouble();
  }
}
