package io.litewake.spring.boot.autoconfigure;

import io.litewake.Replicator;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code litewake} health indicator ({@link LitewakeHealthIndicator}) when Spring Boot's health
 * support is on the class path; off with {@code management.health.litewake.enabled=false}.
 */
@AutoConfiguration(after = LitewakeAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(name = LitewakeAutoConfiguration.REPLICATOR_BEAN)
@ConditionalOnEnabledHealthIndicator("litewake")
public class LitewakeHealthAutoConfiguration {

  /** Created by Spring Boot. */
  public LitewakeHealthAutoConfiguration() {}

  @Bean
  LitewakeHealthIndicator litewakeHealthIndicator(
      @Qualifier(LitewakeAutoConfiguration.REPLICATOR_BEAN) Replicator replicator, UploadFailures failures,
      LitewakeProperties properties) {
    return new LitewakeHealthIndicator(replicator, failures, properties.getHealth(), Clock.systemUTC());
  }
}
