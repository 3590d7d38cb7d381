/**
 * Service provider interface for replica storage: implement {@link io.litewake.spi.Replica} and
 * {@link io.litewake.spi.ReplicaProvider} to add a new kind of store, found by URI scheme with
 * {@link java.util.ServiceLoader}.
 */
package io.litewake.spi;
