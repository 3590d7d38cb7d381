package io.litewake.micrometer;

import io.litewake.ReplicaStatus;
import io.litewake.ReplicationListener;
import io.litewake.Replicator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one running {@link Replicator}, fed by its {@link Replicator#status()}
 * (gauges, read when the registry publishes) and by a {@link ReplicationListener} (counters and the
 * sync timer).
 *
 * <p>A replicator takes its listener when it is built, so the metrics come first:
 *
 * <pre>{@code
 * LitewakeMetrics metrics = LitewakeMetrics.create();
 * Replicator replicator = Replicator.of(db).to(uri)
 *     .listener(metrics.listener())      // before start(): counts from the first upload on
 *     .start();
 * metrics.monitor(replicator)            // the gauges read its status()
 *     .bindTo(registry);                 // any number of registries, before or after monitor()
 * ...
 * replicator.close();
 * metrics.close();                       // removes the meters from the registries
 * }</pre>
 *
 * <p>The meters (tag {@code database}: the database file name; tag {@code replica}: the replica's
 * location with secrets masked, as {@link ReplicaStatus#location()} gives it):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>value</th></tr>
 *   <tr><td>{@value #LAG}</td><td>gauge, seconds</td><td>database, replica</td>
 *       <td>age of the oldest commit not yet in the replica; 0 when level</td></tr>
 *   <tr><td>{@value #PENDING}</td><td>gauge, bytes</td><td>database, replica</td>
 *       <td>spooled bytes not yet in the replica</td></tr>
 *   <tr><td>{@value #FENCED}</td><td>gauge, 0 or 1</td><td>database, replica</td>
 *       <td>1 once another writer took over the replica</td></tr>
 *   <tr><td>{@value #UPLOADS}</td><td>counter</td>
 *       <td>database, replica, {@code kind}=wal|snapshot, {@code outcome}=success|failure</td>
 *       <td>upload attempts (a failure is retried and counted again)</td></tr>
 *   <tr><td>{@value #UPLOAD_BYTES}</td><td>counter, bytes</td><td>database, replica, kind</td>
 *       <td>bytes stored by successful uploads (compressed)</td></tr>
 *   <tr><td>{@value #GENERATIONS}</td><td>counter</td><td>database</td>
 *       <td>generations (new histories) started</td></tr>
 *   <tr><td>{@value #SYNC}</td><td>timer</td><td>database</td>
 *       <td>{@link Replicator#sync()} calls that returned normally</td></tr>
 * </table>
 *
 * <p>Counters count from the replicator's start, whenever the registry is bound; the sync timer
 * records the syncs after {@link #bindTo(MeterRegistry)}. One instance serves one replicator.
 * Instances are thread-safe: listener callbacks run on Litewake's threads and only add to
 * counters; registration is serialized by the instance's monitor.
 */
public final class LitewakeMetrics implements MeterBinder, AutoCloseable {

  /** Gauge: seconds since the oldest commit not yet in the replica ({@code 0} when level). */
  public static final String LAG = "litewake.replication.lag";
  /** Gauge: spooled bytes not yet in the replica. */
  public static final String PENDING = "litewake.replication.pending";
  /** Counter: upload attempts, tagged {@code kind} and {@code outcome}. */
  public static final String UPLOADS = "litewake.uploads";
  /** Counter: bytes stored by successful uploads, tagged {@code kind}. */
  public static final String UPLOAD_BYTES = "litewake.upload.bytes";
  /** Counter: generations started. */
  public static final String GENERATIONS = "litewake.generations";
  /** Timer: {@link Replicator#sync()} calls that returned normally. */
  public static final String SYNC = "litewake.sync";
  /** Gauge: 1 once another writer took over the replica, else 0. */
  public static final String FENCED = "litewake.fenced";

  private static final String WAL = "wal";
  private static final String SNAPSHOT = "snapshot";

  private final Tags tags;
  private final ReplicationListener listener = new Listener();
  private final ConcurrentMap<CounterKey, LongAdder> uploads = new ConcurrentHashMap<>();
  private final ConcurrentMap<CounterKey, LongAdder> uploadBytes = new ConcurrentHashMap<>();
  private final LongAdder generations = new LongAdder();
  private final List<Timer> syncTimers = new CopyOnWriteArrayList<>();
  // guarded by this
  private final Map<MeterRegistry, Set<Meter.Id>> registered = new IdentityHashMap<>();
  private final List<Meter> meters = new ArrayList<>();
  private final List<MeterRegistry> meterOwners = new ArrayList<>();
  private volatile Replicator replicator;
  private volatile String database;
  private boolean closed;

  private LitewakeMetrics(Tags tags) {
    this.tags = tags;
  }

  /**
   * Metrics with the {@code database} and {@code replica} tags only.
   *
   * @return new metrics, monitoring nothing yet
   */
  public static LitewakeMetrics create() {
    return new LitewakeMetrics(Tags.empty());
  }

  /**
   * Metrics with extra tags on every meter (for example the application's name).
   *
   * @param tags the extra tags; none may be named {@code database}, {@code replica}, {@code kind}
   *     or {@code outcome}
   * @return new metrics, monitoring nothing yet
   * @throws NullPointerException if {@code tags} is null
   * @throws IllegalArgumentException if a tag uses a name the meters set themselves
   */
  public static LitewakeMetrics create(Iterable<Tag> tags) {
    Objects.requireNonNull(tags, "tags");
    Tags all = Tags.of(tags);
    for (Tag t : all) {
      if (Set.of("database", "replica", "kind", "outcome").contains(t.getKey())) {
        throw new IllegalArgumentException("extra tag '" + t.getKey() + "=" + t.getValue()
            + "' uses a name the Litewake meters set themselves (database, replica, kind, outcome)");
      }
    }
    return new LitewakeMetrics(all);
  }

  /**
   * The listener to give to {@link Replicator.Builder#listener(ReplicationListener)} before {@link
   * Replicator.Builder#start()}: it counts uploads, uploaded bytes, generations and syncs. Always
   * the same instance. To combine it with a listener of your own, call both from yours.
   *
   * @return the listener feeding these metrics
   */
  public ReplicationListener listener() {
    return listener;
  }

  /**
   * Monitors a started replicator: the gauges read its {@link Replicator#status()}, and the
   * meters are registered in every registry bound so far (and later ones). The replicator should
   * have been built with {@link #listener()}, or the counters and the timer stay at zero.
   *
   * @param replicator the running replicator
   * @return this
   * @throws NullPointerException if {@code replicator} is null
   * @throws IllegalStateException if these metrics already monitor a replicator, or were closed
   */
  public synchronized LitewakeMetrics monitor(Replicator replicator) {
    Objects.requireNonNull(replicator, "replicator");
    if (closed) {
      throw new IllegalStateException("these Litewake metrics were closed; create new ones for " + replicator);
    }
    if (this.replicator != null) {
      throw new IllegalStateException("these Litewake metrics already monitor " + this.replicator
          + "; create one LitewakeMetrics per replicator (asked to monitor " + replicator + ")");
    }
    this.database = replicator.status().database();
    this.replicator = replicator;
    for (MeterRegistry registry : registered.keySet()) {
      registerAll(registry);
    }
    return this;
  }

  /**
   * Registers the meters in {@code registry}: at once if a replicator is monitored, otherwise when
   * {@link #monitor(Replicator)} is called. Binding the same registry twice is harmless.
   *
   * @param registry the registry
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalStateException if these metrics were closed
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (closed) {
      throw new IllegalStateException("these Litewake metrics were closed; create new ones to bind " + registry);
    }
    registered.computeIfAbsent(registry, r -> new HashSet<>());
    if (replicator != null) {
      registerAll(registry);
    }
  }

  /**
   * Removes every meter these metrics registered from the registries they were bound to, and
   * stops registering. The listener goes on counting, unseen. Idempotent. Does not close the
   * replicator.
   */
  @Override
  public synchronized void close() {
    closed = true;
    for (int i = 0; i < meters.size(); i++) {
      meterOwners.get(i).remove(meters.get(i));
    }
    meters.clear();
    meterOwners.clear();
    registered.clear();
    syncTimers.clear();
  }

  @Override
  public String toString() {
    Replicator r = replicator;
    return "LitewakeMetrics[" + (r == null ? "not monitoring yet" : r.toString()) + "]";
  }

  // --- registration (guarded by this) ---

  private void registerAll(MeterRegistry registry) {
    Tags base = tags.and("database", database);
    for (ReplicaStatus replica : replicator.status().replicas()) {
      String location = replica.location();
      Tags rt = base.and("replica", location);
      gauge(registry, LAG, rt, "seconds", s -> s.lag().toNanos() / 1e9, location,
          "Age of the oldest commit not yet in the replica; 0 when the replica is level");
      gauge(registry, PENDING, rt, BaseUnits.BYTES, s -> s.pendingBytes(), location,
          "Spooled bytes not yet in the replica");
      gauge(registry, FENCED, rt, null, s -> s.fenced() ? 1 : 0, location,
          "1 once another writer took over the replica, else 0");
      for (String kind : List.of(WAL, SNAPSHOT)) {
        uploads.computeIfAbsent(new CounterKey(location, kind, true), k -> new LongAdder());
        uploads.computeIfAbsent(new CounterKey(location, kind, false), k -> new LongAdder());
        uploadBytes.computeIfAbsent(new CounterKey(location, kind, true), k -> new LongAdder());
      }
    }
    uploads.forEach((key, adder) -> uploadCounter(registry, key, adder));
    uploadBytes.forEach((key, adder) -> bytesCounter(registry, key, adder));
    add(registry, FunctionCounter.builder(GENERATIONS, generations, LongAdder::doubleValue).tags(base)
        .description("Generations (new replicated histories) started").register(registry));
    Timer timer = Timer.builder(SYNC).tags(base)
        .description("Replicator.sync() calls that returned normally").register(registry);
    if (add(registry, timer)) {
      syncTimers.add(timer);
    }
  }

  private void gauge(MeterRegistry registry, String name, Tags t, String unit,
      ToDoubleFunction<ReplicaStatus> value, String location, String description) {
    Gauge.Builder<LitewakeMetrics> b = Gauge.builder(name, this, m -> m.replicaValue(location, value))
        .tags(t).description(description).strongReference(true);
    if (unit != null) {
      b.baseUnit(unit);
    }
    add(registry, b.register(registry));
  }

  private double replicaValue(String location, ToDoubleFunction<ReplicaStatus> value) {
    Replicator r = replicator;
    if (r == null) {
      return Double.NaN;
    }
    for (ReplicaStatus s : r.status().replicas()) {
      if (s.location().equals(location)) {
        return value.applyAsDouble(s);
      }
    }
    return Double.NaN;
  }

  private void uploadCounter(MeterRegistry registry, CounterKey key, LongAdder adder) {
    add(registry, FunctionCounter.builder(UPLOADS, adder, LongAdder::doubleValue)
        .tags(tags.and("database", database, "replica", key.replica(), "kind", key.kind(),
            "outcome", key.success() ? "success" : "failure"))
        .description("Uploads to the replica (a failed attempt is retried and counted again)")
        .register(registry));
  }

  private void bytesCounter(MeterRegistry registry, CounterKey key, LongAdder adder) {
    add(registry, FunctionCounter.builder(UPLOAD_BYTES, adder, LongAdder::doubleValue)
        .tags(tags.and("database", database, "replica", key.replica(), "kind", key.kind()))
        .baseUnit(BaseUnits.BYTES).description("Bytes stored in the replica by successful uploads")
        .register(registry));
  }

  /** Records a registered meter once per registry; false if it was already recorded. */
  private boolean add(MeterRegistry registry, Meter meter) {
    if (registered.computeIfAbsent(registry, r -> new HashSet<>()).add(meter.getId())) {
      meters.add(meter);
      meterOwners.add(registry);
      return true;
    }
    return false;
  }

  /** A counter for a replica seen first in an event: registered wherever the others are. */
  private synchronized void newCounter(CounterKey key, boolean bytes) {
    if (closed || replicator == null) {
      return; // registered with the rest by monitor()
    }
    for (MeterRegistry registry : registered.keySet()) {
      if (bytes) {
        bytesCounter(registry, key, uploadBytes.get(key));
      } else {
        uploadCounter(registry, key, uploads.get(key));
      }
    }
  }

  private LongAdder adder(ConcurrentMap<CounterKey, LongAdder> map, CounterKey key, boolean bytes) {
    LongAdder a = map.get(key);
    if (a != null) {
      return a;
    }
    LongAdder created = new LongAdder();
    a = map.putIfAbsent(key, created);
    if (a == null) {
      newCounter(key, bytes);
      return created;
    }
    return a;
  }

  private record CounterKey(String replica, String kind, boolean success) {}

  /** Counts events; runs on Litewake's threads, never blocks but to register a new replica. */
  private final class Listener implements ReplicationListener {
    @Override
    public void uploaded(String replica, String key, long bytes, boolean snapshot) {
      String kind = snapshot ? SNAPSHOT : WAL;
      adder(uploads, new CounterKey(replica, kind, true), false).increment();
      adder(uploadBytes, new CounterKey(replica, kind, true), true).add(bytes);
    }

    @Override
    public void uploadFailed(String replica, String key, boolean snapshot, Exception error, int failures) {
      adder(uploads, new CounterKey(replica, snapshot ? SNAPSHOT : WAL, false), false).increment();
    }

    @Override
    public void generationStarted(String generation, String reason) {
      generations.increment();
    }

    @Override
    public void synced(Duration elapsed) {
      for (Timer t : syncTimers) {
        t.record(elapsed);
      }
    }

    @Override
    public String toString() {
      return "listener of " + LitewakeMetrics.this;
    }
  }
}
