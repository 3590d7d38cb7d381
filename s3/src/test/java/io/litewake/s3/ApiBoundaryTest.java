package io.litewake.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.spi.ReplicaProvider;
import io.litewake.testing.ApiBoundary;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Internal packages stay internal: module {@code io.litewake.s3} exports only {@code
 * io.litewake.s3}, and no public signature there mentions a type of a Litewake package that is not
 * API (such as {@code io.litewake.s3.internal} or core's {@code io.litewake.internal}) or of a
 * dependency's {@code internal} package (the AWS SDK has many). Reads the build output
 * (target/classes), since the tests run on the class path.
 */
class ApiBoundaryTest {
  static final Set<String> API = Set.of("io.litewake.s3");
  /** What the s3 API may mention of Litewake: its own package and core's API. */
  static final Set<String> LITEWAKE_API = Set.of("io.litewake.s3", "io.litewake", "io.litewake.spi");

  static ApiBoundary build;

  @BeforeAll
  static void open() {
    build = ApiBoundary.of(S3Replica.class);
  }

  @AfterAll
  static void close() throws Exception {
    build.close();
  }

  @Test
  void moduleExportsOnlyTheApiPackage() {
    ModuleDescriptor module = build.descriptor();
    assertThat(module.name()).isEqualTo("io.litewake.s3");
    assertThat(module.isOpen()).as("open module").isFalse();
    assertThat(ApiBoundary.unqualifiedExports(module)).containsExactlyInAnyOrderElementsOf(API);
    assertThat(ApiBoundary.unqualifiedOpens(module)).isEmpty();
    assertThat(ApiBoundary.qualifiedExportTargets(module)).allMatch(m -> m.startsWith("io.litewake."));
    assertThat(module.packages()).contains("io.litewake.s3.internal");
  }

  @Test
  void providerIsFoundOnTheModulePathAndOnTheClassPath() {
    ModuleDescriptor module = build.descriptor();
    String spi = ReplicaProvider.class.getName();
    Set<String> provided = new TreeSet<>();
    module.provides().stream().filter(p -> p.service().equals(spi)).forEach(p -> provided.addAll(p.providers()));
    assertThat(provided).containsExactly(S3ReplicaProvider.class.getName());
    assertThat(build.serviceFile(spi)).as("META-INF/services/" + spi).isEqualTo(provided);
  }

  @Test
  void publicSignaturesMentionNoInternalType() {
    assertThat(build.apiTypes(API)).contains(S3Replica.class, S3Replica.Builder.class, S3ReplicaProvider.class);
    assertThat(build.leaks(API, pkg -> (pkg.startsWith("io.litewake") && !LITEWAKE_API.contains(pkg))
        || ApiBoundary.isInternal(pkg))).isEmpty();
  }
}
