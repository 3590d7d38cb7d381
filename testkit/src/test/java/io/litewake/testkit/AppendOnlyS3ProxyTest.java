package io.litewake.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The append-only scenarios on S3Proxy (signatures checked, conditional writes honoured). */
class AppendOnlyS3ProxyTest extends AppendOnlyScenarios {
  @RegisterExtension static final S3Extension S3 = S3Extension.builder().s3proxy().build();

  @Override
  S3Extension s3() {
    return S3;
  }
}
