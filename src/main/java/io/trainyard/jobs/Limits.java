package io.trainyard.jobs;

import io.vertx.core.json.JsonObject;

/** Per-user and per-node scheduling limits ({@code scheduler.*} config) and this node's inventory. */
public record Limits(int serial, int parallel, int nodeCapacity, Inventory inventory) {

  public Limits(int serial, int parallel, int nodeCapacity) {
    this(serial, parallel, nodeCapacity, Inventory.UNCONSTRAINED);
  }

  public static Limits from(JsonObject scheduler, Inventory inventory) {
    return new Limits(scheduler.getInteger("serial_limit", 1), scheduler.getInteger("parallel_limit", 3),
        scheduler.getInteger("node_capacity", 8), inventory);
  }

  public int forMode(String mode) {
    return "parallel".equals(mode) ? parallel : serial;
  }
}
