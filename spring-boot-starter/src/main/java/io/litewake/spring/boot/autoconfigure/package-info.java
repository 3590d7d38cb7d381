/**
 * Spring Boot 4.0 auto-configuration of Litewake: set {@code litewake.replica} and the database
 * behind {@code spring.datasource.url=jdbc:sqlite:PATH} is restored on startup (before the {@code
 * DataSource}, Flyway or Liquibase open it), replicated while the application runs, and synced
 * after the {@code DataSource} closed. {@link io.litewake.spring.boot.autoconfigure.LitewakeProperties}
 * lists the {@code litewake.*} properties; the {@code litewake} health indicator, the {@code
 * litewake.*} meters and the {@code litewake} actuator endpoint come with the actuator.
 */
package io.litewake.spring.boot.autoconfigure;
