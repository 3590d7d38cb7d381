package io.litewake.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class S3ProxyServerTest {

  @Test
  void storesObjectsAsFilesAndRemovesItsTemporaryDirectory() throws Exception {
    Path data;
    try (S3ProxyServer s3 = S3ProxyServer.start()) {
      s3.createBucket("bkt");
      s3.createBucket("bkt"); // kept
      s3.client().putObject(r -> r.bucket("bkt").key("apps/x/k"), RequestBody.fromString("v"));
      data = s3.objects("bkt", "apps/x");
      assertThat(Files.readString(data.resolve("k"))).isEqualTo("v");
      assertThat(S3ProxyServer.testedVersion()).startsWith("4.");
      assertThat(s3.process().isAlive()).isTrue();
    }
    assertThat(data).doesNotExist();
  }
}
