package io.litewake.examples.springboot;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The orders table, through plain JDBC (Spring's {@link JdbcClient}). */
@Repository
public class OrderRepository {
  private final JdbcClient jdbc;

  /**
   * Creates the repository.
   *
   * @param jdbc the client on the application's DataSource
   */
  public OrderRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a new order.
   *
   * @param item what is ordered
   * @param quantity how many, positive
   * @return the stored order
   */
  public Order add(String item, int quantity) {
    long id = jdbc.sql("INSERT INTO orders(item, quantity) VALUES (?, ?) RETURNING id")
        .params(item, quantity).query(Long.class).single();
    return find(id);
  }

  /**
   * One order.
   *
   * @param id its number
   * @return the order
   */
  public Order find(long id) {
    return jdbc.sql("SELECT id, item, quantity, status FROM orders WHERE id = ?").param(id)
        .query(Order.class).single();
  }

  /**
   * Every order, oldest first.
   *
   * @return the orders
   */
  public List<Order> all() {
    return jdbc.sql("SELECT id, item, quantity, status FROM orders ORDER BY id").query(Order.class).list();
  }
}
