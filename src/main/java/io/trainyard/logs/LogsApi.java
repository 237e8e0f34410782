package io.trainyard.logs;

/**
 * Event-bus contract of {@link LogTailVerticle}. Per node, because each node reads its own disk.
 * Request body: {@code {job_id, log_path, artifacts_dir, mode: "tail"|"offset"|"lines", offset?, lines?}}.
 * Replies: tail {@code {log}}, offset {@code {log, offset, next_offset}}, lines {@code {logs}}.
 * Failure code 400 for a bad offset.
 */
public final class LogsApi {
  private LogsApi() {
  }

  public static String read(String nodeId) {
    return "logs." + nodeId + ".read";
  }
}
