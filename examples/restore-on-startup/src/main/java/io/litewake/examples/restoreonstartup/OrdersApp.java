package io.litewake.examples.restoreonstartup;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small service that keeps its state in SQLite and survives losing its disk: on boot it
 * restores the database from the replica if the file is missing (a new container), then
 * replicates every write.
 *
 * <pre>
 * mvn -q compile exec:java -Dexec.args="data/orders.db s3://my-bucket/apps/orders 3"
 * </pre>
 */
public final class OrdersApp implements AutoCloseable {
  private final Path db;
  private final Connection connection;
  private final Replicator replicator;
  private final RestoreResult restored;

  private OrdersApp(Path db, Connection connection, Replicator replicator, RestoreResult restored) {
    this.db = db;
    this.connection = connection;
    this.replicator = replicator;
    this.restored = restored;
  }

  /**
   * Boots the service: restore if the database is missing and the replica has something, open
   * the database (creating the schema on first boot), then start replicating.
   *
   * @param db the database file
   * @param replica the replica URI
   * @return the running service
   * @throws Exception if the database cannot be opened or restored
   */
  public static OrdersApp boot(Path db, URI replica) throws Exception {
    Files.createDirectories(db.toAbsolutePath().getParent());
    RestoreResult restored = Restore.from(replica).to(db)
        .ifDatabaseMissing()   // keep the database we have
        .ifReplicaExists()     // first boot ever: nothing to restore, not an error
        .run();
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, qty INT NOT NULL)");
    }
    Replicator replicator = Replicator.of(db).to(replica).start();
    return new OrdersApp(db, c, replicator, restored);
  }

  /**
   * What the boot-time restore did.
   *
   * @return the restore result (says whether anything was restored)
   */
  public RestoreResult restored() {
    return restored;
  }

  /**
   * Records an order.
   *
   * @param item what was ordered
   * @param qty how many
   * @throws SQLException if the insert fails
   */
  public void addOrder(String item, int qty) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO orders (item, qty) VALUES (?, ?)")) {
      p.setString(1, item);
      p.setInt(2, qty);
      p.executeUpdate();
    }
  }

  /**
   * Counts the orders.
   *
   * @return the number of orders
   * @throws SQLException if the query fails
   */
  public long orderCount() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Waits until every order so far is in the replica. */
  public void sync() {
    replicator.sync();
  }

  /**
   * The database file.
   *
   * @return the path
   */
  public Path database() {
    return db;
  }

  /** Closes the application's connection first, then the replicator (final sync). */
  @Override
  public void close() throws SQLException {
    connection.close();
    replicator.close();
  }

  /**
   * Boots, adds orders, prints the state.
   *
   * @param args database file, replica URI, number of orders to add
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: OrdersApp DATABASE REPLICA_URI [ORDERS_TO_ADD]");
      System.exit(2);
    }
    int add = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    try (OrdersApp app = boot(Path.of(args[0]), URI.create(args[1]))) {
      RestoreResult boot = app.restored();
      System.out.println(boot.skipped()
          .map(why -> "boot: nothing restored (" + why + ")")
          .orElseGet(() -> "boot: restored generation " + boot.generation().orElseThrow() + " as of "
              + boot.pointInTime().orElseThrow()));
      for (int i = 0; i < add; i++) {
        app.addOrder("item-" + i, 1 + i % 5);
      }
      app.sync();
      System.out.println(app.orderCount() + " orders, all in the replica");
    }
  }
}
