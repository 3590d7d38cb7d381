package io.litewake.examples.springboot;

/**
 * An order.
 *
 * @param id its number, given by the database
 * @param item what was ordered
 * @param quantity how many
 * @param status its state ({@code new} when placed; the column comes with migration V2)
 */
public record Order(long id, String item, int quantity, String status) {}
