/**
 * {@code s3://} replicas on the AWS SDK v2: {@link io.litewake.s3.S3Replica} and its builder,
 * {@link io.litewake.s3.S3ReplicaProvider} for URIs, and {@link
 * io.litewake.s3.S3Replica#iamPolicy(java.net.URI, boolean)} for the minimal IAM policy.
 */
package io.litewake.s3;
