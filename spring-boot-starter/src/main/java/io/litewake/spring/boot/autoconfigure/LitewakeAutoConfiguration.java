package io.litewake.spring.boot.autoconfigure;

import io.litewake.ReplicationListener;
import io.litewake.Replicator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of Litewake, on when {@code litewake.replica} is set.
 *
 * <p>Order of events in the application context:
 *
 * <ol>
 *   <li>{@link LitewakeStartup} ({@code litewakeStartup}): finds the database file ({@code
 *       litewake.database}, or the path of {@code spring.datasource.url}), restores it from the
 *       replica when it is missing ({@code litewake.restore-on-startup}), or creates it empty in
 *       WAL mode on a first boot;
 *   <li>{@link Replicator} ({@value #REPLICATOR_BEAN}): starts replicating it, with the {@code
 *       litewake.*} options and every {@link ReplicationListener} bean as listener (they must not
 *       depend on the {@code DataSource});
 *   <li>every {@code DataSource} bean, and Flyway and Liquibase beans, depend on {@value
 *       #REPLICATOR_BEAN} (as Flyway's auto-configuration makes beans depend on its migration): they
 *       are created after the restore, so migrations run on the restored database and are
 *       replicated, and they are destroyed before it, so the replicator's final sync comes after
 *       the application's last write.
 * </ol>
 *
 * <p>Companion auto-configurations add the meters ({@link LitewakeMetricsAutoConfiguration}), the
 * health indicator ({@link LitewakeHealthAutoConfiguration}) and the actuator endpoint ({@link
 * LitewakeEndpointAutoConfiguration}).
 */
@AutoConfiguration(beforeName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
    "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnClass(Replicator.class)
@Conditional(LitewakeAutoConfiguration.OnReplicaCondition.class)
@EnableConfigurationProperties(LitewakeProperties.class)
public class LitewakeAutoConfiguration {
  /** The name of the {@link Replicator} bean that the database's users depend on. */
  public static final String REPLICATOR_BEAN = "litewakeReplicator";

  /** Bean types that open the database, made to depend on the replicator when on the class path. */
  private static final List<String> DATABASE_USERS = List.of("javax.sql.DataSource",
      "org.flywaydb.core.Flyway", "liquibase.integration.spring.SpringLiquibase");

  private static final Logger log = LoggerFactory.getLogger(LitewakeAutoConfiguration.class);

  /** Created by Spring Boot. */
  public LitewakeAutoConfiguration() {}

  @Bean
  static BeanFactoryPostProcessor litewakeDatabaseUsersDependOnReplicator() {
    return new DatabaseUsersDependOnReplicator();
  }

  @Bean
  LitewakeStartup litewakeStartup(LitewakeProperties properties, Environment environment,
      ObjectProvider<LitewakeRestoreCustomizer> restoreCustomizers) {
    return StartupPreparation.prepare(properties, environment, restoreCustomizers.orderedStream().toList());
  }

  @Bean
  UploadFailures litewakeUploadFailures() {
    return new UploadFailures(Clock.systemUTC());
  }

  @Bean(name = REPLICATOR_BEAN, destroyMethod = "close")
  Replicator litewakeReplicator(LitewakeStartup startup, LitewakeProperties properties,
      ObjectProvider<ReplicatorHook> hooks, ObjectProvider<ReplicationListener> listeners,
      ObjectProvider<LitewakeReplicatorCustomizer> customizers) {
    String name = String.valueOf(startup.database().getFileName());
    List<ReplicatorHook> hookList = hooks.orderedStream().toList();
    List<ReplicationListener> all = new ArrayList<>();
    hookList.forEach(h -> all.add(h.listener()));
    listeners.orderedStream().forEach(all::add);
    Replicator.Builder b = Replicator.of(startup.database()).to(properties.replicaUri())
        .listener(new CompositeListener(name, all));
    if (properties.getSyncInterval() != null) {
      b.syncInterval(properties.getSyncInterval());
    }
    if (properties.getSnapshotInterval() != null) {
      b.snapshotInterval(properties.getSnapshotInterval());
    }
    if (properties.getSnapshotWalRatio() != null) {
      b.snapshotWalRatio(properties.getSnapshotWalRatio());
    }
    if (properties.getSnapshotWalObjects() != null) {
      b.snapshotWalObjects(properties.getSnapshotWalObjects());
    }
    if (properties.getRetention() != null) {
      b.retention(properties.getRetention());
    }
    if (properties.getCompression() != null) {
      b.compression(properties.getCompression());
    }
    if (properties.getSpoolDirectory() != null) {
      b.spoolDirectory(properties.getSpoolDirectory());
    }
    if (properties.getSpoolLimit() != null) {
      b.spoolLimit(properties.getSpoolLimit().toBytes());
    }
    if (properties.getSyncTimeout() != null) {
      b.syncTimeout(properties.getSyncTimeout());
    }
    if (properties.getCloseTimeout() != null) {
      b.closeTimeout(properties.getCloseTimeout());
    }
    if (properties.getFencingCheckInterval() != null) {
      b.fencingCheckInterval(properties.getFencingCheckInterval());
    }
    if (properties.getMinCheckpointPages() != null) {
      b.minCheckpointPages(properties.getMinCheckpointPages());
    }
    if (properties.getMaxCheckpointPages() != null) {
      b.maxCheckpointPages(properties.getMaxCheckpointPages());
    }
    customizers.orderedStream().forEach(c -> c.customize(b));
    Replicator replicator = b.start();
    log.debug("litewake [{}]: replicating {} to {}", name, startup.database(), startup.replica());
    hookList.forEach(h -> h.started(replicator));
    return replicator;
  }

  /**
   * Makes the beans that open the database ({@code DataSource}, Flyway, Liquibase) depend on the
   * replicator, which restored the database first; stateless.
   */
  static final class DatabaseUsersDependOnReplicator implements BeanFactoryPostProcessor, Ordered {
    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
      ClassLoader cl = beanFactory.getBeanClassLoader();
      for (String type : DATABASE_USERS) {
        if (ClassUtils.isPresent(type, cl)) {
          new DependsOnReplicator(ClassUtils.resolveClassName(type, cl)).postProcessBeanFactory(beanFactory);
        }
      }
    }

    @Override
    public int getOrder() {
      return 0;
    }
  }

  private static final class DependsOnReplicator extends AbstractDependsOnBeanFactoryPostProcessor {
    DependsOnReplicator(Class<?> type) {
      super(type, REPLICATOR_BEAN);
    }
  }

  /** Matches when {@code litewake.replica} has a non-blank value. */
  static final class OnReplicaCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      ConditionMessage.Builder message = ConditionMessage.forCondition("Litewake replica");
      return StringUtils.hasText(context.getEnvironment().getProperty("litewake.replica"))
          ? ConditionOutcome.match(message.because("litewake.replica is set"))
          : ConditionOutcome.noMatch(message.because("litewake.replica is not set"));
    }
  }
}
