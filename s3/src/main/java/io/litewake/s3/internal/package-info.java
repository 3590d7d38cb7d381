/**
 * Internals of the S3 replica, one job per class: settings and their validation ({@link
 * io.litewake.s3.internal.S3Settings}, {@link io.litewake.s3.internal.S3Config}), URI parsing and
 * mapping ({@link io.litewake.s3.internal.S3Uri}), the client factory ({@link
 * io.litewake.s3.internal.S3Clients}), server-side encryption headers ({@link
 * io.litewake.s3.internal.SseSettings}) and Object Lock retention ({@link
 * io.litewake.s3.internal.ObjectLock}), uploads ({@link io.litewake.s3.internal.Uploader}, {@link
 * io.litewake.s3.internal.IntegrityInterceptor}), rate limits ({@link
 * io.litewake.s3.internal.PacedHttpClient}, {@link io.litewake.s3.internal.PacedPublisher}), reads ({@link
 * io.litewake.s3.internal.Downloader}, {@link io.litewake.s3.internal.RangedReader}), deletes
 * ({@link io.litewake.s3.internal.BatchDelete}) and error messages ({@link
 * io.litewake.s3.internal.S3Errors}). Not API: anything here may change in any release.
 */
package io.litewake.s3.internal;
