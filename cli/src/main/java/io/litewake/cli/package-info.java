/**
 * The {@code litewake} command: {@code restore}, {@code list}, {@code verify}, {@code replicate}
 * (a sidecar for applications not on the JVM), {@code policy} and {@code version}, built on the
 * public API of {@code litewake-core} and {@code litewake-s3}. {@link io.litewake.cli.Litewake}
 * is the entry point of the executable jar ({@code java -jar litewake.jar COMMAND}); everything
 * else in the package is an implementation detail of the command line.
 */
package io.litewake.cli;
