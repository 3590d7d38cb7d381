/**
 * A Spring Boot web application on SQLite (JdbcClient, Flyway migrations) whose database Litewake
 * restores on startup and replicates to S3, configured by properties only.
 */
package io.litewake.examples.springboot;
