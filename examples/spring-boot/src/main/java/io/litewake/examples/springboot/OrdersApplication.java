package io.litewake.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web application keeping its orders in SQLite, replicated by Litewake: see
 * {@code application.properties}, the only place Litewake is configured. Run it with {@code
 * LITEWAKE_REPLICA=s3://bucket/apps/orders mvn spring-boot:run}.
 */
@SpringBootApplication
public class OrdersApplication {

  /**
   * Starts the application.
   *
   * @param args Spring Boot arguments, e.g. {@code --server.port=8081}
   */
  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
