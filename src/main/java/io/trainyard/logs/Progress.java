package io.trainyard.logs;

import io.vertx.core.json.JsonObject;

/**
 * A job's progress as derived from its log by {@link ProgressParser}. Every component may be
 * {@code null} when it is unknown.
 *
 * @param stage      human-readable stage, e.g. {@code "Training"}; {@code null} if unknown
 * @param progress   percent complete in {@code [0, 100]}, rounded to one decimal; {@code null} if unknown
 * @param etaSeconds estimated seconds remaining (whole seconds, {@code >= 0}); {@code null} if unknown
 * @param lastLog    the newest non-empty human log line, at most 80 chars; {@code null} if none
 */
public record Progress(String stage, Double progress, Long etaSeconds, String lastLog) {

  /** All-unknown progress (what an empty or {@code null} log yields). */
  public static final Progress EMPTY = new Progress(null, null, null, null);

  /**
   * JSON form with all four keys always present (unknown values are JSON {@code null}):
   * {@code {"stage", "progress", "eta_seconds", "last_log"}}.
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("stage", stage)
        .put("progress", progress)
        .put("eta_seconds", etaSeconds)
        .put("last_log", lastLog);
  }
}
