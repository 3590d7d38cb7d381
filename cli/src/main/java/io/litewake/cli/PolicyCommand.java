package io.litewake.cli;

import io.litewake.s3.S3IamPolicy;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litewake policy}: the minimal IAM policy of an {@code s3://} replica ({@link S3IamPolicy}). */
@Command(name = "policy", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    header = "Prints the minimal IAM policy for an s3:// replica.",
    description = {"Prints the minimal IAM policy for an s3:// replica, JSON ready to paste: s3:ListBucket on "
        + "the prefix and s3:GetObject, s3:PutObject, s3:DeleteObject on its objects (with --restore-"
        + "only: s3:ListBucket and s3:GetObject). Sends no request; secrets in the URI are ignored.", ""})
final class PolicyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--restore-only", description = "The policy for restore, list and verify only: nothing can be written or deleted.")
  boolean restoreOnly;

  @Parameters(index = "0", paramLabel = "URI", converter = Converters.ReplicaUri.class,
      description = "The replica: s3://BUCKET/PREFIX[?params] or an access point ARN.")
  URI uri;

  @Override
  public Integer call() {
    if (!"s3".equalsIgnoreCase(uri.getScheme())) {
      throw Litewake.Failure.usage("an IAM policy is for s3:// replicas; a " + uri.getScheme()
          + ": replica needs file permissions only");
    }
    String policy = restoreOnly ? S3IamPolicy.restore(uri) : S3IamPolicy.replicate(uri);
    spec.commandLine().getOut().println(policy.stripTrailing());
    return Litewake.OK;
  }
}
