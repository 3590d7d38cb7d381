package io.litewake.examples.springboot;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders} places an order; {@code GET /orders} lists them. */
@RestController
@RequestMapping("/orders")
public class OrderController {
  private final OrderRepository orders;

  /**
   * Creates the controller.
   *
   * @param orders the repository
   */
  public OrderController(OrderRepository orders) {
    this.orders = orders;
  }

  /**
   * Places an order.
   *
   * @param request the item and quantity
   * @return the stored order
   */
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Order place(@RequestBody NewOrder request) {
    return orders.add(request.item(), request.quantity());
  }

  /**
   * Lists every order.
   *
   * @return the orders, oldest first
   */
  @GetMapping
  public List<Order> list() {
    return orders.all();
  }

  /**
   * The body of {@code POST /orders}.
   *
   * @param item what is ordered
   * @param quantity how many
   */
  public record NewOrder(String item, int quantity) {}
}
