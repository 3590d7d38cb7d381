package io.litewake.spring.boot.autoconfigure;

import io.litewake.micrometer.LitewakeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The Litewake meters ({@code litewake.*}, see {@link LitewakeMetrics}) when Micrometer is on the
 * class path: a {@link LitewakeMetrics} bean, which Spring Boot binds to the application's meter
 * registries like any {@code MeterBinder}, fed by the replicator from its start.
 */
@AutoConfiguration(after = LitewakeAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, LitewakeMetrics.class})
@ConditionalOnBean(name = LitewakeAutoConfiguration.REPLICATOR_BEAN)
public class LitewakeMetricsAutoConfiguration {

  /** Created by Spring Boot. */
  public LitewakeMetricsAutoConfiguration() {}

  @Bean(destroyMethod = "close")
  LitewakeMetrics litewakeMetrics() {
    return LitewakeMetrics.create();
  }

  @Bean
  MetricsHook litewakeMetricsHook(LitewakeMetrics litewakeMetrics) {
    return new MetricsHook(litewakeMetrics);
  }
}
