package io.trainyard.jobs;

import io.trainyard.domain.Validation;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * What a local job asks of its node besides its program: {@code resources} (GPUs, CPUs, memory), a
 * time limit and retries. Read from a submission with the job type's defaults
 * ({@code jobs.types.<type>.resources} and {@code .timeout_seconds}) into the job's params, where
 * the claim, the time-limit check and the retry read them. A request that no node of the cluster
 * could satisfy (as the node heartbeats last showed) is refused here, naming the field.
 */
public final class Execution {
  public static final Set<String> FIELDS = Set.of("resources", "timeout_seconds", "max_retries", "retry_backoff_seconds");
  private static final Set<String> RESOURCE_FIELDS = Set.of("gpus", "cpus", "memory_mb");
  static final int MAX_RETRIES = 10;
  static final int DEFAULT_BACKOFF_SECONDS = 10;
  static final int MAX_TIMEOUT_SECONDS = 366 * 86_400;

  private final JsonObject types;
  private final Inventory inventory;
  /** The largest node of the cluster as last seen (this node's own until the first heartbeat). */
  private volatile Largest largest;

  /** The most GPUs, CPUs and memory any node offers. */
  public record Largest(int gpus, int cpus, long memoryMb) {
  }

  public Execution(JsonObject types, Inventory inventory) {
    this.types = types;
    this.inventory = inventory;
    this.largest = new Largest(inventory.gpus().size(), inventory.cpus(), inventory.memoryMb());
  }

  /** What the largest node of the cluster offers (with this node's own, which may not be registered yet). */
  public void seeCluster(Largest cluster) {
    largest = new Largest(Math.max(cluster.gpus(), inventory.gpus().size()), Math.max(cluster.cpus(), inventory.cpus()),
        Math.max(cluster.memoryMb(), inventory.memoryMb()));
  }

  /** Checks the execution fields of {@code body} into {@code v} and writes what they resolve to into {@code params}. */
  void read(JobType type, JobRequest req, JsonObject body, Validation v, JsonObject params) {
    JsonObject typeConf = types.getJsonObject(type.wire(), new JsonObject());
    JsonObject resources = resources(body.getValue("resources"), typeConf.getJsonObject("resources"), v);
    if (resources != null) {
      params.put("resources", resources);
    }
    Integer timeout = req.integer("timeout_seconds", false, typeConf.getInteger("timeout_seconds"), 1, MAX_TIMEOUT_SECONDS);
    if (timeout != null) {
      params.put("timeout_seconds", timeout);
    }
    int retries = req.integer("max_retries", false, 0, 0, MAX_RETRIES);
    if (retries > 0 || body.containsKey("max_retries")) {
      params.put("max_retries", retries);
    }
    Integer backoff = req.integer("retry_backoff_seconds", false, null, 0, 86_400);
    if (backoff != null) {
      params.put("retry_backoff_seconds", backoff);
    }
  }

  /** The resources asked for, the type's defaults under them; null when neither names any. */
  private JsonObject resources(Object raw, JsonObject defaults, Validation v) {
    if (raw != null && !(raw instanceof JsonObject)) {
      v.add("resources", "must be an object {gpus, cpus, memory_mb}");
      return null;
    }
    if (raw == null && defaults == null) {
      return null;
    }
    JsonObject asked = raw == null ? new JsonObject() : (JsonObject) raw;
    JobRequest part = new JobRequest(asked, RESOURCE_FIELDS);
    JsonObject d = defaults == null ? new JsonObject() : defaults;
    JsonObject out = new JsonObject();
    Integer gpus = part.integer("gpus", false, d.getInteger("gpus", 0), 0, 1024);
    Integer cpus = part.integer("cpus", false, d.getInteger("cpus"), 1, 1_000_000);
    Integer memory = part.integer("memory_mb", false, d.getInteger("memory_mb"), 1, Integer.MAX_VALUE);
    Largest most = largest;
    if (part.validation().ok()) {
      if (gpus > most.gpus()) {
        part.validation().add("gpus", "asks for " + gpus + " GPUs; no node has more than " + most.gpus());
      }
      if (cpus != null && cpus > most.cpus()) {
        part.validation().add("cpus", "asks for " + cpus + " CPUs; no node has more than " + most.cpus());
      }
      if (memory != null && memory > most.memoryMb()) {
        part.validation().add("memory_mb", "asks for " + memory + " MB; no node has more than " + most.memoryMb());
      }
    }
    v.nest("resources", part.validation());
    out.put("gpus", gpus);
    if (cpus != null) {
      out.put("cpus", cpus);
    }
    if (memory != null) {
      out.put("memory_mb", memory);
    }
    return out;
  }
}
