package io.trainyard.jobs;

import io.trainyard.store.Times;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * A job as the domain sees it: one committed row of {@code jobs}, plus, for a queued job, where it
 * stands in its owner's queue and why it waits. {@link #toJson()} is the one mapping to the
 * contract's JobRecord, for REST answers and pushed events alike.
 */
public record Job(
    String id, JobType type, String provider, JobStatus status, long ownerId, JsonObject params, int priority,
    String dependsOn, String parentId, boolean cancelRequested,
    OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime updatedAt,
    OffsetDateTime archivedAt,
    Integer pid, String nodeId, Integer exitCode, String error, String logPath, String artifactsDir,
    String stage, Double progress, Long etaSeconds, String lastLog,
    Long queuePosition, String waitingReason,
    String modelId, String resultId, JsonObject resultSummary,
    String externalId, Double costUsd, String hardware,
    java.util.List<String> assignedGpus, int attempt, io.vertx.core.json.JsonArray attempts) {

  public static final String LOCAL = "local";

  public boolean isLocal() {
    return LOCAL.equals(provider);
  }

  /** A local job with a process of its own (not a sweep parent, not a cloud job). */
  public boolean hasProcess() {
    return isLocal() && type != JobType.SWEEP;
  }

  public boolean isSweep() {
    return type == JobType.SWEEP;
  }

  /** The params object (never null), e.g. a cloud job's {@code kind}. */
  public JsonObject paramsOrEmpty() {
    return params == null ? new JsonObject() : params;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("job_id", id)
        .put("job_type", type.wire())
        .put("provider", provider)
        .put("status", status.wire())
        .put("owner_user_id", ownerId)
        .put("params", params)
        .put("priority", priority)
        .put("depends_on", dependsOn)
        .put("parent_id", parentId)
        .put("cancel_requested", cancelRequested)
        .put("created_at", Times.iso(createdAt))
        .put("started_at", Times.iso(startedAt))
        .put("finished_at", Times.iso(finishedAt))
        .put("updated_at", Times.iso(updatedAt))
        .put("archived_at", Times.iso(archivedAt))
        .put("pid", pid)
        .put("node_id", nodeId)
        .put("exit_code", exitCode)
        .put("error", error)
        .put("log_path", logPath)
        .put("artifacts_dir", artifactsDir)
        .put("stage", stage)
        .put("progress", progress)
        .put("eta_seconds", etaSeconds)
        .put("last_log", lastLog)
        .put("queue_position", queuePosition)
        .put("waiting_reason", waitingReason)
        .put("model_id", modelId)
        .put("result_id", resultId)
        .put("result_summary", resultSummary)
        .put("external_id", externalId)
        .put("cost_usd", costUsd)
        .put("hardware", hardware)
        .put("resources", resources())
        .put("assigned_gpus", new io.vertx.core.json.JsonArray(assignedGpus == null ? java.util.List.of() : assignedGpus))
        .put("timeout_seconds", paramsOrEmpty().getInteger("timeout_seconds"))
        .put("max_retries", paramsOrEmpty().getInteger("max_retries", 0))
        .put("attempt", attempt)
        .put("attempts", attempts == null ? new io.vertx.core.json.JsonArray() : attempts);
  }

  /** What the job asked for ({@code gpus} 0 when it named nothing); GPUs count only for local jobs. */
  public JsonObject resources() {
    JsonObject asked = paramsOrEmpty().getJsonObject("resources");
    return asked == null ? new JsonObject().put("gpus", 0) : asked.copy();
  }

  /**
   * The inverse of {@link #toJson()}, for a record handed between verticles (a claim to its
   * supervisor) so the receiver need not read the row again.
   */
  public static Job fromJson(JsonObject j) {
    return new Job(j.getString("job_id"), JobType.of(j.getString("job_type")), j.getString("provider"),
        JobStatus.of(j.getString("status")), j.getLong("owner_user_id"), j.getJsonObject("params"),
        j.getInteger("priority"), j.getString("depends_on"), j.getString("parent_id"), j.getBoolean("cancel_requested"),
        time(j, "created_at"), time(j, "started_at"), time(j, "finished_at"), time(j, "updated_at"), time(j, "archived_at"),
        j.getInteger("pid"), j.getString("node_id"), j.getInteger("exit_code"), j.getString("error"),
        j.getString("log_path"), j.getString("artifacts_dir"),
        j.getString("stage"), j.getDouble("progress"), j.getLong("eta_seconds"), j.getString("last_log"),
        j.getLong("queue_position"), j.getString("waiting_reason"),
        j.getString("model_id"), j.getString("result_id"), j.getJsonObject("result_summary"),
        j.getString("external_id"), j.getDouble("cost_usd"), j.getString("hardware"),
        j.getJsonArray("assigned_gpus", new io.vertx.core.json.JsonArray()).stream().map(String::valueOf).toList(),
        j.getInteger("attempt", 1), j.getJsonArray("attempts", new io.vertx.core.json.JsonArray()));
  }

  private static OffsetDateTime time(JsonObject j, String key) {
    String v = j.getString(key);
    return v == null ? null : OffsetDateTime.parse(v);
  }
}
