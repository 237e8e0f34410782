package io.trainyard.supervisor;

import io.trainyard.jobs.Ids;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobType;
import io.trainyard.jobs.ProcessExit;
import io.trainyard.logs.LogReader;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a finished job leaves behind: a train job's model, a predict job's result, headline figures,
 * and for failures the last log line as the error. Reads files only; the ledger records them with
 * the job's status in one transaction.
 */
final class Outcomes {
  static final String MODEL_FILE = "model.json";
  static final String METRICS_FILE = "metrics.json";
  static final String PREDICTIONS_FILE = "predictions.csv";

  private Outcomes() {
  }

  /** The outputs a run would register if it counts as a success. Blocking. */
  static ProcessExit.Output read(Job job) {
    Path dir = Path.of(job.artifactsDir());
    JsonObject metrics = readMetrics(dir);
    if (job.type() == JobType.TRAIN && Files.isRegularFile(dir.resolve(MODEL_FILE))) {
      JsonObject summary = new JsonObject().put("final_loss", metrics.getValue("final_loss"))
          .put("val_loss", metrics.getValue("val_loss")).put("val_r2", metrics.getValue("val_r2"));
      return new ProcessExit.Output(Ids.model(), dir.resolve(MODEL_FILE).toString(), metrics, null, null, 0, summary);
    }
    if (job.type() == JobType.PREDICT && Files.isRegularFile(dir.resolve(PREDICTIONS_FILE))) {
      int rows = metrics.getInteger("rows", 0);
      JsonObject summary = new JsonObject().put("rows", rows).put("mse", metrics.getValue("mse"));
      return new ProcessExit.Output(null, null, null, Ids.result(), dir.resolve(PREDICTIONS_FILE).toString(), rows, summary);
    }
    return new ProcessExit.Output(null, null, null, null, null, 0, metrics.isEmpty() ? null : metrics);
  }

  private static JsonObject readMetrics(Path dir) {
    try {
      Path file = dir.resolve(METRICS_FILE);
      return Files.isRegularFile(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
    } catch (IOException | RuntimeException e) {
      return new JsonObject();
    }
  }

  /** The last non-empty line of a log (reads only its end), cut to 500 characters. Blocking. */
  static String lastLine(String logPath) {
    if (logPath == null) {
      return null;
    }
    try {
      String[] lines = LogReader.tail(Path.of(logPath), 8192).split("\\r?\\n|\\r");
      for (int i = lines.length - 1; i >= 0; i--) {
        String line = lines[i].strip();
        if (!line.isEmpty()) {
          return line.length() > 500 ? line.substring(0, 500) : line;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

}
