/**
 * Loopback S3 servers for tests, meant to move to litewake-testkit: {@link
 * io.litewake.s3.testing.S3MockServer} (findify s3mock, in process), {@link
 * io.litewake.s3.testing.S3ProxyServer} (S3Proxy, child JVM), {@link
 * io.litewake.s3.testing.S3Servers} (shared instances and fresh replica URIs) and {@link
 * io.litewake.s3.testing.PolicyProxy} (an IAM-policy-enforcing, fault-injecting front).
 */
package io.litewake.s3.testing;
