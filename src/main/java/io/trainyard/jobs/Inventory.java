package io.trainyard.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What this node can give jobs: GPU device ids, CPUs and memory ({@code node.*} config). A job starts
 * only where what it asks for is free, and holds it until its process group has exited.
 */
public record Inventory(List<String> gpus, int cpus, long memoryMb) {
  /** No GPUs, and as many CPUs and as much memory as any request may name: for tests of other things. */
  public static final Inventory UNCONSTRAINED = new Inventory(List.of(), Integer.MAX_VALUE, Long.MAX_VALUE);

  /**
   * {@code node.gpus} (a list, or a comma-separated string as from TRAINYARD_NODE_GPUS; default: what
   * {@code detectGpus} finds), {@code node.cpus} and {@code node.memory_mb} (default: the machine's).
   */
  public static Inventory from(JsonObject node, Supplier<List<String>> detectGpus) {
    Object raw = node.getValue("gpus");
    List<String> gpus = new ArrayList<>();
    if (raw instanceof JsonArray arr) {
      arr.forEach(g -> gpus.add(String.valueOf(g).trim()));
    } else if (raw instanceof String s) {
      for (String g : s.split(",")) {
        if (!g.isBlank()) {
          gpus.add(g.trim());
        }
      }
    } else if (raw instanceof Number n) {
      gpus.add(n.toString());
    } else {
      gpus.addAll(detectGpus.get());
    }
    if (gpus.stream().distinct().count() != gpus.size() || gpus.stream().anyMatch(g -> !g.matches("[A-Za-z0-9_:.-]{1,64}"))) {
      throw new IllegalArgumentException("node.gpus must be distinct device ids (letters, digits, '_', ':', '.', '-'): " + gpus);
    }
    int cpus = integer(node, "cpus", Runtime.getRuntime().availableProcessors());
    long memory = integer(node, "memory_mb", machineMemoryMb());
    return new Inventory(List.copyOf(gpus), cpus, memory);
  }

  private static int integer(JsonObject node, String key, long dflt) {
    Object v = node.getValue(key);
    long n = v == null ? dflt : v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v).trim());
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("node." + key + " must be a positive integer");
    }
    return (int) n;
  }

  private static long machineMemoryMb() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(1, sun.getTotalMemorySize() / (1024 * 1024));
    }
    return Integer.MAX_VALUE;
  }

  public JsonObject toJson() {
    return new JsonObject().put("gpus", new JsonArray(gpus)).put("cpus", cpus).put("memory_mb", memoryMb);
  }
}
