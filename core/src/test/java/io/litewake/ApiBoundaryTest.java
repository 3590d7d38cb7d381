package io.litewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaProvider;
import io.litewake.testing.ApiBoundary;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Internal packages stay internal: module {@code io.litewake} exports only {@code io.litewake}
 * and {@code io.litewake.spi}, and no public signature there mentions a type of another Litewake
 * package (such as {@code io.litewake.internal}) or of a dependency's {@code internal} package.
 * Reads the build output (target/classes), since the tests run on the class path.
 */
class ApiBoundaryTest {
  static final Set<String> API = Set.of("io.litewake", "io.litewake.spi");

  static ApiBoundary build;

  @BeforeAll
  static void open() {
    build = ApiBoundary.of(Replicator.class);
  }

  @AfterAll
  static void close() throws Exception {
    build.close();
  }

  @Test
  void moduleExportsOnlyTheApiPackages() {
    ModuleDescriptor module = build.descriptor();
    assertThat(module.name()).isEqualTo("io.litewake");
    assertThat(module.isOpen()).as("open module").isFalse();
    assertThat(ApiBoundary.unqualifiedExports(module)).containsExactlyInAnyOrderElementsOf(API);
    assertThat(ApiBoundary.unqualifiedOpens(module)).isEmpty();
    // qualified exports (io.litewake.internal to another Litewake module) only to our own modules
    assertThat(ApiBoundary.qualifiedExportTargets(module)).allMatch(m -> m.startsWith("io.litewake."));
    // the internals are there, just not exported
    assertThat(module.packages()).contains("io.litewake.internal");
  }

  @Test
  void replicaProvidersAreFoundOnTheModulePathAndOnTheClassPath() {
    ModuleDescriptor module = build.descriptor();
    String spi = ReplicaProvider.class.getName();
    assertThat(module.uses()).contains(spi);
    Set<String> provided = new TreeSet<>();
    module.provides().stream().filter(p -> p.service().equals(spi)).forEach(p -> provided.addAll(p.providers()));
    assertThat(provided).containsExactly("io.litewake.internal.FileReplicaProvider");
    assertThat(build.serviceFile(spi)).as("META-INF/services/" + spi).isEqualTo(provided);
  }

  @Test
  void publicSignaturesMentionNoInternalType() {
    assertThat(build.apiTypes(API)).contains(Replicator.class, Replicator.Builder.class, Replica.class);
    assertThat(build.leaks(API, pkg -> (pkg.startsWith("io.litewake.") && !API.contains(pkg))
        || ApiBoundary.isInternal(pkg))).isEmpty();
  }
}
