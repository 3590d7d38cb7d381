package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.cause;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.litewake.testkit.fixtures.ExtendWithClassFixture;
import io.litewake.testkit.fixtures.ExtendWithMethodFixture;
import io.litewake.testkit.fixtures.InstanceFieldFixture;
import io.litewake.testkit.fixtures.MisuseFixtures;
import io.litewake.testkit.fixtures.Recorder;
import io.litewake.testkit.fixtures.StaticFieldFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension's lifecycle and misuse errors, run through the JUnit Platform's EngineTestKit. */
class S3ExtensionTest {

  @BeforeEach
  void reset() {
    Recorder.reset();
  }

  static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
  }

  static boolean listening(URI endpoint) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void staticFieldStartsOneServerForTheClassReusedByNestedAndStopsItAfterwards() {
    run(StaticFieldFixture.class).assertStatistics(s -> s.started(4).succeeded(4));
    List<Object> endpoints = Recorder.seen("endpoint");
    assertThat(endpoints).hasSize(3).containsOnly(endpoints.get(0));
    // objects stay between tests; faults, policy and recorded requests do not
    assertThat(Recorder.seen("keys")).containsExactly(List.of("shared/kept"));
    assertThat(Recorder.seen("faultsActive")).containsExactly(false);
    assertThat(Recorder.seen("requests")).containsExactly(0);
    URI uri = (URI) Recorder.seen("uri").get(0);
    assertThat(uri.toString()).startsWith("s3://litewake-test/apps/orders?endpoint=http%3A%2F%2F127.0.0.1%3A")
        .contains("&region=us-east-1", "&force-path-style=true", "&access-key=", "&secret-access-key=");
    assertThat(listening((URI) endpoints.get(0))).as("stopped after the class").isFalse();
    S3Extension ext = (S3Extension) Recorder.seen("ext").get(0);
    assertThat(ext.isRunning()).isFalse();
    assertThatThrownBy(() -> ext.uri("orders")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stopped when StaticFieldFixture ended");
  }

  @Test
  void instanceFieldStartsOneServerPerTest() {
    run(InstanceFieldFixture.class).assertStatistics(s -> s.started(2).succeeded(2));
    List<Object> endpoints = Recorder.seen("endpoint");
    assertThat(endpoints).hasSize(2).doesNotHaveDuplicates();
    assertThat(endpoints).allSatisfy(e -> assertThat(listening((URI) e)).isFalse());
    assertThat(Recorder.seen("ext")).allSatisfy(e -> assertThat(((S3Extension) e).isRunning()).isFalse());
  }

  @Test
  void extendWithOnTheClassInjectsOneServerForTheClass() {
    run(ExtendWithClassFixture.class).assertStatistics(s -> s.started(2).succeeded(2));
    List<Object> endpoints = Recorder.seen("endpoint");
    assertThat(endpoints).hasSize(2).containsOnly(endpoints.get(0));
    assertThat(Recorder.seen("server")).containsExactly(endpoints.get(0));
    assertThat(Recorder.seen("same")).containsExactly(true);
    assertThat(Recorder.seen("beforeAll")).hasSize(1);
    assertThat(listening((URI) endpoints.get(0))).isFalse();
  }

  @Test
  void extendWithOnAMethodStartsOneServerPerTest() {
    run(ExtendWithMethodFixture.class).assertStatistics(s -> s.started(2).succeeded(2));
    assertThat(Recorder.seen("endpoint")).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void uriBeforeTheServerStartedFailsWithWhatToDo() {
    Events events = run(MisuseFixtures.UriInFieldInitializer.class);
    events.assertStatistics(s -> s.started(1).failed(1));
    events.assertThatEvents().haveExactly(1, event(test(), finishedWithFailure(
        instanceOf(IllegalStateException.class),
        message(m -> m.contains("cannot call uri(\"orders\")") && m.contains("not running yet")
            && m.contains("not from field initializers")))));
    assertThat(Recorder.seen("unreachable")).isEmpty();
  }

  @Test
  void uriFromAStaticContextWithAnInstanceFieldExtensionFails() {
    Events events = EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(MisuseFixtures.UriInStaticInitializer.class)).execute().allEvents();
    events.assertThatEvents().haveAtLeastOne(event(finishedWithFailure(
        instanceOf(ExceptionInInitializerError.class),
        cause(instanceOf(IllegalStateException.class), message(m -> m.contains("not running yet"))))));
    assertThat(Recorder.seen("unreachable")).isEmpty();
  }

  @Test
  void anExtensionThatIsNotRegisteredNeverStarts() {
    Events events = EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(MisuseFixtures.NotRegistered.class)).execute().allEvents();
    events.assertThatEvents().haveAtLeastOne(event(finishedWithFailure(
        instanceOf(IllegalStateException.class), message(m -> m.contains("@RegisterExtension")))));
  }

  @Test
  void invalidReplicaNamesAreRejectedNamingTheProblem() {
    Events events = run(MisuseFixtures.BadNames.class);
    events.assertStatistics(s -> s.started(4).failed(4));
    events.assertThatEvents()
        .haveExactly(1, event(test("leadingSlash"), finishedWithFailure(instanceOf(IllegalArgumentException.class),
            message("invalid replica name '/orders': it starts or ends with '/'; use a relative path such as"
                + " \"orders\" or \"apps/orders\""))))
        .haveExactly(1, event(test("emptySegment"), finishedWithFailure(message(m -> m.contains("'apps//orders'")
            && m.contains("empty path segment")))))
        .haveExactly(1, event(test("query"), finishedWithFailure(message(m -> m.contains("segment 'orders?x=1'")))))
        .haveExactly(1, event(test("empty"), finishedWithFailure(message(m -> m.contains("it is empty")))));
  }

  @Test
  void builderValidatesTheBucket() {
    assertThatThrownBy(() -> S3Extension.builder().bucket("Bad_Bucket"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid bucket name 'Bad_Bucket'");
  }
}
