/** Internals of the S3 replica: URI parsing, upload integrity, error messages. Not API. */
package io.litewake.s3.internal;
