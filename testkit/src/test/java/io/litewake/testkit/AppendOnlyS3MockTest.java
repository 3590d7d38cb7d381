package io.litewake.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The append-only scenarios on s3mock (which ignores conditional writes: Litewake must never rewrite). */
class AppendOnlyS3MockTest extends AppendOnlyScenarios {
  @RegisterExtension static final S3Extension S3 = S3Extension.create();

  @Override
  S3Extension s3() {
    return S3;
  }
}
