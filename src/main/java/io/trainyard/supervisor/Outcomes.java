package io.trainyard.supervisor;

import io.trainyard.jobs.Ids;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobType;
import io.trainyard.jobs.ModelRepository;
import io.trainyard.jobs.ResultRepository;
import io.trainyard.logs.LogReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a finished job leaves behind: a train job's model, a predict job's result, headline figures,
 * and for failures the last log line as the error.
 */
final class Outcomes {
  static final String MODEL_FILE = "model.json";
  static final String METRICS_FILE = "metrics.json";
  static final String PREDICTIONS_FILE = "predictions.csv";

  private final Vertx vertx;
  private final ModelRepository models;
  private final ResultRepository results;

  Outcomes(Vertx vertx, ModelRepository models, ResultRepository results) {
    this.vertx = vertx;
    this.models = models;
    this.results = results;
  }

  /** Registers the model or result of a successful job: {model_id?, result_id?, result_summary}. */
  Future<JsonObject> register(Job job) {
    Path dir = Path.of(job.artifactsDir());
    JobType type = job.type();
    long owner = job.ownerId();
    return vertx.executeBlocking(() -> readMetrics(dir), false).compose(metrics -> {
      JsonObject out = new JsonObject();
      if (type == JobType.TRAIN && Files.isRegularFile(dir.resolve(MODEL_FILE))) {
        String modelId = Ids.model();
        JsonObject summary = new JsonObject().put("final_loss", metrics.getValue("final_loss"))
            .put("val_loss", metrics.getValue("val_loss")).put("val_r2", metrics.getValue("val_r2"));
        return models.insert(modelId, job.id(), owner, dir.resolve(MODEL_FILE).toString(), metrics)
            .map(m -> out.put("model_id", modelId).put("result_summary", summary));
      }
      if (type == JobType.PREDICT && Files.isRegularFile(dir.resolve(PREDICTIONS_FILE))) {
        String resultId = Ids.result();
        int rows = metrics.getInteger("rows", 0);
        JsonObject summary = new JsonObject().put("rows", rows).put("mse", metrics.getValue("mse"));
        return results.insert(resultId, job.id(), job.paramsOrEmpty().getString("model_id"),
                owner, dir.resolve(PREDICTIONS_FILE).toString(), rows)
            .map(r -> out.put("result_id", resultId).put("result_summary", summary));
      }
      return Future.succeededFuture(out.put("result_summary", metrics.isEmpty() ? null : metrics));
    });
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
