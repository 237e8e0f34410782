package io.trainyard.jobs;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps a jobs row to a {@link Job}. Rows read through {@link JobRepository#SELECT} also carry the
 * queue columns a queued job's position and waiting reason come from; rows a transition returns
 * (RETURNING *) do not, and their queue fields stay empty, as an event needs none.
 */
final class JobRows {
  private JobRows() {
  }

  static List<Job> all(RowSet<Row> rows, Limits limits) {
    List<Job> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(toJob(r, limits)));
    return out;
  }

  static Optional<Job> first(RowSet<Row> rows, Limits limits) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toJob(rows.iterator().next(), limits));
  }

  static Job toJob(Row r, Limits limits) {
    JobStatus status = JobStatus.of(r.getString("status"));
    JobType type = JobType.of(r.getString("job_type"));
    Long position = null;
    String reason = null;
    boolean queueColumns = r.getColumnIndex("queue_position") >= 0;
    if (status == JobStatus.QUEUED && queueColumns && r.getLong("queue_position") != null) {
      position = r.getLong("queue_position");
      String dep = r.getString("dep_status");
      Double retryIn = r.getDouble("retry_in");
      if (retryIn != null && retryIn > 0) {
        JsonObject params = r.getJsonObject("params");
        int total = 1 + (params == null ? 0 : params.getInteger("max_retries", 0));
        reason = "retry " + r.getInteger("attempt") + " of " + total + " in " + (long) Math.ceil(retryIn) + " s";
      } else {
        reason = dep != null && !JobStatus.SUCCESS.wire().equals(dep)
            ? "waiting for job " + r.getString("depends_on") + " (" + dep + ")"
            : waitingReason(r, limits, position);
      }
    } else if (status == JobStatus.QUEUED && type == JobType.SWEEP) {
      reason = "waiting for its shards to start";
    }
    return new Job(r.getString("job_id"), type, r.getString("provider"), status, r.getLong("owner_user_id"),
        r.getJsonObject("params"), r.getInteger("priority"), r.getString("depends_on"), r.getString("parent_id"),
        r.getBoolean("cancel_requested"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"),
        r.getOffsetDateTime("updated_at"), r.getOffsetDateTime("archived_at"),
        r.getInteger("pid"), r.getString("node_id"), r.getInteger("exit_code"), r.getString("error"),
        r.getString("log_path"), r.getString("artifacts_dir"),
        r.getString("stage"), r.getDouble("progress"), r.getLong("eta_seconds"), r.getString("last_log"),
        position, reason,
        r.getString("model_id"), r.getString("result_id"), r.getJsonObject("result_summary"),
        r.getString("external_id"), r.getDouble("cost_usd"), r.getString("hardware"),
        List.of(r.getArrayOfStrings("assigned_gpus")), r.getInteger("attempt"), attempts(r));
  }

  private static io.vertx.core.json.JsonArray attempts(Row r) {
    Object raw = r.getValue("attempts");
    return raw instanceof io.vertx.core.json.JsonArray a ? a : new io.vertx.core.json.JsonArray();
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
    JsonObject params = r.getJsonObject("params");
    JsonObject asked = params == null ? null : params.getJsonObject("resources");
    int gpus = asked == null ? 0 : asked.getInteger("gpus", 0);
    if (gpus > 0) {
      int total = limits.inventory().gpus().size();
      long free = Math.max(0, total - r.getLong("gpus_busy"));
      if (gpus > free) {
        return "waiting for " + gpus + " GPU" + (gpus == 1 ? "" : "s") + ": " + free + " of " + total + " free";
      }
    }
    if (nodeRunning >= limits.nodeCapacity()) {
      return "node capacity: " + nodeRunning + " of " + limits.nodeCapacity() + " running";
    }
    return "starting: waiting for the scheduler";
  }
}
