package io.litewake.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Row payloads: compressible text, like JSON-ish application data (about 3:1 with LZ4). */
final class Payload {
  private static final String[] WORDS = {
    "order", "customer", "status", "shipped", "pending", "amount", "currency", "EUR", "USD", "item",
    "quantity", "price", "address", "street", "city", "Berlin", "Paris", "London", "created_at",
    "updated_at", "true", "false", "null", "{", "}", "\"id\":", "\"name\":", "\"email\":", "example.com",
    "warehouse", "priority", "note", "gift", "discount", "coupon", "SKU", "tracking", "carrier"
  };

  private Payload() {}

  static byte[] text(Random rnd, int len) {
    StringBuilder b = new StringBuilder(len + 16);
    while (b.length() < len) {
      b.append(WORDS[rnd.nextInt(WORDS.length)]);
      if (rnd.nextInt(4) == 0) {
        b.append(rnd.nextInt(100_000));
      }
      b.append(' ');
    }
    b.setLength(len);
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
