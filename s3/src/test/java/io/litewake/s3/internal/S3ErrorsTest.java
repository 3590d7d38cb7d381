package io.litewake.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Failure shapes a server cannot be made to produce on demand. The SDK reports the last attempt
 * of a retried call and keeps earlier attempts as suppressed exceptions; on an unreachable
 * endpoint the Netty pool sometimes loses the retry's connection attempt and reports an acquire
 * timeout instead (seen in CI: attempt 1 "Connection refused", attempt 2 "Acquire operation took
 * longer"). The message must still say the endpoint cannot be reached.
 */
class S3ErrorsTest {

  private static final S3Errors.Context CONTEXT = new S3Errors.Context() {
    @Override
    public String bucket() {
      return "bucket";
    }

    @Override
    public String location() {
      return "s3://bucket/db";
    }

    @Override
    public String endpointDescription() {
      return "http://127.0.0.1:1";
    }

    @Override
    public String regionDescription() {
      return "us-east-1";
    }

    @Override
    public String accessKeyDescription() {
      return "access key ****";
    }
  };

  @Test
  void aRefusedEarlierAttemptMakesTheEndpointUnreachable() {
    SdkClientException last = SdkClientException.create(
        "Unable to execute HTTP request: Acquire operation took longer than the configured maximum time.",
        new Throwable("Acquire operation took longer than the configured maximum time."));
    last.addSuppressed(SdkClientException.create("Request attempt 1 failure: Unable to execute HTTP request",
        new ConnectException("Connection refused: /127.0.0.1:1")));

    IOException e = S3Errors.translate(last, "s3:ListBucket", "s3://bucket/db/", CONTEXT);

    assertThat(e).hasMessageContaining("cannot reach the S3 endpoint http://127.0.0.1:1")
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("check the endpoint parameter");
  }

  @Test
  void anAcquireTimeoutAloneAlsoNamesTheUnreachableEndpoint() {
    SdkClientException last = SdkClientException.create(
        "Unable to execute HTTP request: Acquire operation took longer than the configured maximum time.");

    IOException e = S3Errors.translate(last, "s3:ListBucket", "s3://bucket/db/", CONTEXT);

    assertThat(e).hasMessageContaining("cannot reach the S3 endpoint http://127.0.0.1:1")
        .hasMessageContaining("no connection could be opened in time")
        .hasMessageContaining("check the endpoint parameter");
  }
}
