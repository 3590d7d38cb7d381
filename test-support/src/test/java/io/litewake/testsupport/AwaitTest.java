package io.litewake.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsOnceTheConditionHolds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Await.until("three calls", Duration.ofSeconds(5), () -> calls.incrementAndGet() >= 3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void timesOutSayingWhatWasAwaitedWithTheLastFailureAndDetails() {
    assertThatThrownBy(() -> Await.atMost(Duration.ofMillis(120)).pollEvery(Duration.ofMillis(20))
        .orElseReport(() -> "log: nothing").until("the moon is blue", () -> {
          throw new IOException("still grey");
        }))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("timed out after PT0.12S waiting until the moon is blue")
        .hasMessageContaining("still grey")
        .hasMessageContaining("log: nothing")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void checksOnceMoreAtTheDeadline() throws Exception {
    long start = System.nanoTime();
    AtomicInteger calls = new AtomicInteger();
    Await.atMost(Duration.ofMillis(100)).pollEvery(Duration.ofSeconds(10))
        .until("the second check", () -> calls.incrementAndGet() == 2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void rejectsNonPositiveDurations() {
    assertThatThrownBy(() -> Await.atMost(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }
}
