package io.trainyard.jobs;

import io.vertx.core.json.JsonObject;

/** Per-user and per-node scheduling limits ({@code scheduler.*} config). */
public record Limits(int serial, int parallel, int nodeCapacity) {

  public static Limits from(JsonObject scheduler) {
    return new Limits(scheduler.getInteger("serial_limit", 1), scheduler.getInteger("parallel_limit", 3),
        scheduler.getInteger("node_capacity", 8));
  }

  public int forMode(String mode) {
    return "parallel".equals(mode) ? parallel : serial;
  }
}
