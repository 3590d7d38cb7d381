/**
 * The one copy of Litewake's test infrastructure (not published; the testkit's jar contains it):
 *
 * <ul>
 *   <li>{@link io.litewake.testsupport.S3Server} and its two servers, {@link
 *       io.litewake.testsupport.S3MockServer} (findify s3mock in this JVM) and {@link
 *       io.litewake.testsupport.S3ProxyServer} (S3Proxy as a child JVM); {@link
 *       io.litewake.testsupport.S3Servers}, one of each shared by the tests of a JVM;
 *   <li>{@link io.litewake.testsupport.S3Front}, the HTTP front before a server: {@link
 *       io.litewake.testsupport.FaultSchedule faults}, IAM-like {@link
 *       io.litewake.testsupport.AccessPolicy policies}, {@link io.litewake.testsupport.BucketRules
 *       bucket rules} (archived objects, Object Lock), a {@link io.litewake.testsupport.S3Call
 *       request log} and traffic counts;
 *   <li>{@link io.litewake.testsupport.FreePorts} and {@link io.litewake.testsupport.Await}
 *       (polling with a deadline instead of fixed sleeps);
 *   <li>{@link io.litewake.testsupport.Litestream}, the Litestream v0.3.13 binary: install,
 *       configuration, {@code replicate}, {@code restore}.
 * </ul>
 *
 * <p>It depends on neither litewake-s3 nor litewake-testkit, so that the tests of both can use it.
 */
package io.litewake.testsupport;
