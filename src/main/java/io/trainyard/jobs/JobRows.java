package io.trainyard.jobs;

import io.trainyard.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** Maps a jobs row (plus the queue columns of {@link JobRepository#SELECT}) to the contract's JobRecord. */
final class JobRows {
  private JobRows() {
  }

  static JsonObject toJson(Row r, Limits limits) {
    String status = r.getString("status");
    JsonObject job = new JsonObject()
        .put("job_id", r.getString("job_id"))
        .put("job_type", r.getString("job_type"))
        .put("provider", r.getString("provider"))
        .put("status", status)
        .put("owner_user_id", r.getLong("owner_user_id"))
        .put("params", r.getJsonObject("params"))
        .put("priority", r.getInteger("priority"))
        .put("depends_on", r.getString("depends_on"))
        .put("parent_id", r.getString("parent_id"))
        .put("cancel_requested", r.getBoolean("cancel_requested"))
        .put("created_at", Times.iso(r.getOffsetDateTime("created_at")))
        .put("started_at", Times.iso(r.getOffsetDateTime("started_at")))
        .put("finished_at", Times.iso(r.getOffsetDateTime("finished_at")))
        .put("updated_at", Times.iso(r.getOffsetDateTime("updated_at")))
        .put("archived_at", Times.iso(r.getOffsetDateTime("archived_at")))
        .put("pid", r.getInteger("pid"))
        .put("node_id", r.getString("node_id"))
        .put("exit_code", r.getInteger("exit_code"))
        .put("error", r.getString("error"))
        .put("log_path", r.getString("log_path"))
        .put("artifacts_dir", r.getString("artifacts_dir"))
        .put("stage", r.getString("stage"))
        .put("progress", r.getDouble("progress"))
        .put("eta_seconds", r.getLong("eta_seconds"))
        .put("last_log", r.getString("last_log"))
        .put("queue_position", null)
        .put("waiting_reason", null)
        .put("model_id", r.getString("model_id"))
        .put("result_id", r.getString("result_id"))
        .put("result_summary", r.getJsonObject("result_summary"))
        .put("external_id", r.getString("external_id"))
        .put("cost_usd", r.getDouble("cost_usd"))
        .put("hardware", r.getString("hardware"));
    if ("queued".equals(status) && r.getLong("queue_position") != null) {
      long position = r.getLong("queue_position");
      job.put("queue_position", position);
      String dep = r.getString("dep_status");
      job.put("waiting_reason", dep != null && !"success".equals(dep)
          ? "waiting for job " + r.getString("depends_on") + " (" + dep + ")"
          : waitingReason(r, limits, position));
    } else if ("queued".equals(status) && "sweep".equals(r.getString("job_type"))) {
      job.put("waiting_reason", "waiting for its shards to start");
    }
    return job;
  }

  /** Says in words why a queued job has not started, in the order the scheduler checks. */
  private static String waitingReason(Row r, Limits limits, long position) {
    String mode = r.getString("owner_mode");
    int limit = limits.forMode(mode);
    long running = r.getLong("user_running");
    long nodeRunning = r.getLong("all_running");
    if (running >= limit) {
      return "user limit: " + running + " of " + limit + " running (" + mode + ")";
    }
    if (position > limit - running) {
      return "behind " + (position - 1) + " earlier job(s) of this user";
    }
    if (nodeRunning >= limits.nodeCapacity()) {
      return "node capacity: " + nodeRunning + " of " + limits.nodeCapacity() + " running";
    }
    return "starting: waiting for the scheduler";
  }
}
