package io.trainyard.jobs;

import io.vertx.core.json.JsonObject;

/**
 * What a job's process left when it exited, gathered by its supervisor before anything is written, so
 * the ledger can record status, final progress and outputs in one transaction.
 *
 * @param exitCode      the direct child's exit code
 * @param canceling     the supervisor was stopping it (a cancel through any route also shows as
 *                      {@code cancel_requested} on the row, which the ledger reads under the row lock)
 * @param error         the failure text if it failed: the log's last line, or the exit code in words
 * @param finalProgress the log's last parsed {@code {stage, progress, eta_seconds, last_log}}, or null
 * @param output        what a successful run registers
 */
public record ProcessExit(int exitCode, boolean canceling, String error, JsonObject finalProgress, Output output) {

  /**
   * A successful run's outputs: a train job's model, a predict job's result, and headline figures.
   * Ids are chosen up front; they are used only if the run counts as a success.
   */
  public record Output(String modelId, String modelPath, JsonObject metrics, String resultId, String resultPath,
                       int rows, JsonObject summary) {
    public static final Output NONE = new Output(null, null, null, null, null, 0, null);
  }

  JsonObject progressOrEmpty() {
    return finalProgress == null ? new JsonObject() : finalProgress;
  }
}
