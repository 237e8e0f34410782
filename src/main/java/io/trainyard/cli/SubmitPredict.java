package io.trainyard.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code submit predict}: POST /api/jobs/predict with a model by id, by path, or from --depends-on. */
@Command(name = "predict", description = "Submit a prediction job.")
final class SubmitPredict implements Callable<Integer> {
  @ParentCommand
  SubmitCommand submit;

  @Mixin
  JobOptions job;

  @Option(names = "--model-id", description = "model_id")
  String modelId;

  @Option(names = "--model-path", description = "model_path (inside the artifacts directory)")
  String modelPath;

  @Override
  public Integer call() {
    JsonObject body = job.body();
    JobOptions.put(body, "model_id", modelId);
    JobOptions.put(body, "model_path", modelPath);
    return Submission.submit(submit.root, "/api/jobs/predict", body, job.output);
  }
}
