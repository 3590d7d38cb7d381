package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicaStatus;
import io.litewake.ReplicationStatus;
import io.litewake.Replicator;
import io.litewake.Restore;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code litewake} actuator endpoint ({@code /actuator/litewake} once exposed with {@code
 * management.endpoints.web.exposure.include}): the replication status, what the startup did
 * (restore or creation of the database) and what the replica holds (its generations, listed from
 * the store at each call). Created by {@link LitewakeAutoConfiguration}.
 */
@Endpoint(id = "litewake")
public final class LitewakeEndpoint {
  private static final Logger log = LoggerFactory.getLogger(LitewakeEndpoint.class);
  private final Replicator replicator;
  private final LitewakeStartup startup;
  private final URI replica;

  LitewakeEndpoint(Replicator replicator, LitewakeStartup startup, URI replica) {
    this.replicator = Objects.requireNonNull(replicator, "replicator");
    this.startup = Objects.requireNonNull(startup, "startup");
    this.replica = Objects.requireNonNull(replica, "replica");
  }

  /**
   * The status, the startup and the replica's contents. A replica that cannot be listed (the store
   * unreachable) gives {@code contentsError} instead of {@code contents}.
   *
   * @return a map of plain values (strings, numbers, booleans, lists and maps)
   */
  @ReadOperation
  public Map<String, Object> litewake() {
    ReplicationStatus st = replicator.status();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("database", startup.database().toString());
    m.put("replica", startup.replica());
    Map<String, Object> status = StatusDetails.of(st);
    status.put("replicas", st.replicas().stream().map(StatusDetails::of).toList());
    m.put("status", status);
    m.put("startup", StatusDetails.of(startup));
    try {
      m.put("contents", StatusDetails.of(Restore.from(replica).list()));
    } catch (RuntimeException e) {
      log.warn("litewake [{}]: cannot list {} for the litewake endpoint: {}", st.database(),
          st.replicas().stream().map(ReplicaStatus::location).findFirst().orElse(startup.replica()), e.toString());
      m.put("contentsError", e.getMessage());
    }
    return m;
  }
}
