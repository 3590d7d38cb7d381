/**
 * {@code s3://} replicas on the AWS SDK v2: {@link io.litewake.s3.S3Replica} and its builder,
 * {@link io.litewake.s3.S3ReplicaProvider} for URIs, and {@link
 * io.litewake.s3.S3IamPolicy} for the minimal IAM policies (replicate and restore).
 */
package io.litewake.s3;
