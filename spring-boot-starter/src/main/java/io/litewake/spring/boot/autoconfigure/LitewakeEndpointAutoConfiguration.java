package io.litewake.spring.boot.autoconfigure;

import io.litewake.Replicator;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The {@code litewake} actuator endpoint ({@link LitewakeEndpoint}) when the actuator is on the
 * class path and the endpoint is exposed ({@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = LitewakeAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(name = LitewakeAutoConfiguration.REPLICATOR_BEAN)
@ConditionalOnAvailableEndpoint(LitewakeEndpoint.class)
public class LitewakeEndpointAutoConfiguration {

  /** Created by Spring Boot. */
  public LitewakeEndpointAutoConfiguration() {}

  @Bean
  LitewakeEndpoint litewakeEndpoint(@Qualifier(LitewakeAutoConfiguration.REPLICATOR_BEAN) Replicator replicator,
      LitewakeStartup startup, LitewakeProperties properties) {
    return new LitewakeEndpoint(replicator, startup, properties.replicaUri());
  }
}
