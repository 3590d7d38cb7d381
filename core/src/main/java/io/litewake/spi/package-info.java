/**
 * Service provider interface for replica storage: implement {@link io.litewake.spi.Replica} and
 * {@link io.litewake.spi.ReplicaProvider} to add a new kind of store, found by URI scheme with
 * {@link java.util.ServiceLoader}. A {@link io.litewake.spi.Throttle} is the rate limit Litewake hands
 * to {@link io.litewake.spi.Replica#throttled(io.litewake.spi.Throttle)}; override it to pace inside
 * your store's transfers.
 */
package io.litewake.spi;
