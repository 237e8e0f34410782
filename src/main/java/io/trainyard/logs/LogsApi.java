package io.trainyard.logs;

/**
 * Event-bus contract of {@link LogTailVerticle}. Per node, because each node reads its own disk.
 */
public final class LogsApi {
  private LogsApi() {
  }

  /**
   * Request {@code {job_id, log_path, artifacts_dir, mode: "tail"|"offset"|"lines"|"progress"|"metrics"|"file", offset?,
   * lines?, started_at?}}. Replies: tail {@code {log}}, offset {@code {log, offset, next_offset}}, lines
   * {@code {logs}}, progress {@code {stage, progress, eta_seconds, last_log}}, metrics
   * {@code {series: {name: [[step, value], ...]}}} (the whole log, thinned to at most 5,000 points a series),
   * file {@code {path}} (the log file on this node's disk, or null).
   */
  public static String read(String nodeId) {
    return "logs." + nodeId + ".read";
  }

  /**
   * Send {@code {job_id, owner_user_id, log_path, started_at}} when a job's process has started: its log
   * is followed, appended bytes are published as {@code job_log} on {@code jobs.log.<id>} (a burst as one
   * event, at most {@link LogFollower#MAX_EVENT_BYTES} an event),
   * parsed progress as {@code job_progress} (and written to the job, throttled), and the metric points of
   * the appended lines as {@code job_metrics} {@code {job_id, series: {name: [[step, value], ...]}}} on
   * {@code jobs.log.<id>} and the owner's addresses. An optional {@code from_offset} (a job re-adopted
   * after a restart) starts following there instead of at 0.
   */
  public static String watch(String nodeId) {
    return "logs." + nodeId + ".watch";
  }

  /**
   * Request {@code {job_id}} after the job's process exited: publishes what is left, stops following,
   * then replies {@code {progress: {stage, progress, eta_seconds, last_log}}} ({@code {}} if the log was
   * not followed). The supervisor records the exit, with that final progress, only after the reply,
   * so every log event of a job precedes its final status event.
   */
  public static String unwatch(String nodeId) {
    return "logs." + nodeId + ".unwatch";
  }
}
