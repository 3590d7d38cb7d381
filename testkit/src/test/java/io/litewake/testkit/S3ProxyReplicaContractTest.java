package io.litewake.testkit;

import io.litewake.spi.Replica;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The replica contract on Litewake's {@code s3:} replica and S3Proxy 4.x (signatures checked). */
class S3ProxyReplicaContractTest extends ReplicaContractTest {
  static final AtomicInteger NAMES = new AtomicInteger();

  @RegisterExtension static final S3Extension s3 = S3Extension.builder().s3proxy().build();

  @Override
  protected Replica newReplica() {
    return open(s3.uri("contract/" + NAMES.incrementAndGet() + "/db"));
  }

  @Override
  protected Collection<String> secrets() {
    return List.of(s3.server().accessKey(), s3.server().secretKey());
  }
}
