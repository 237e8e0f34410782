package io.trainyard.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code submit train}: POST /api/jobs/train, a sweep when --sweep is given. */
@Command(name = "train", description = "Submit a training job (or a sweep).")
final class SubmitTrain implements Callable<Integer> {
  @ParentCommand
  SubmitCommand submit;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  JobOptions job;

  @Option(names = "--epochs", description = "epochs (default from the server's config)")
  Integer epochs;

  @Option(names = "--batch-size", description = "batch_size (default 64)")
  Integer batchSize;

  @Option(names = "--lr", description = "learning rate (default 1e-4)")
  Double lr;

  @Option(names = "--prepared-dataset", paramLabel = "ID", description = "prepared_dataset_id")
  String preparedDataset;

  @Option(names = "--control-dataset", paramLabel = "ID", description = "control_dataset_id")
  String controlDataset;

  @Option(names = "--sweep", paramLabel = "PARAM=V1,V2", description = "Sweep a parameter, e.g. lr=1e-3,1e-4 (repeatable)")
  List<String> sweeps;

  @Override
  public Integer call() {
    JsonObject body = job.body();
    JobOptions.put(body, "epochs", epochs);
    JobOptions.put(body, "batch_size", batchSize);
    JobOptions.put(body, "lr", lr);
    JobOptions.put(body, "prepared_dataset_id", preparedDataset);
    JobOptions.put(body, "control_dataset_id", controlDataset);
    if (sweeps != null && !sweeps.isEmpty()) {
      body.put("sweep", sweep());
    }
    return Submission.submit(submit.root, "/api/jobs/train", body, job.output);
  }

  /** lr=1e-3,1e-4 becomes {"lr": [0.001, 0.0001]}: numbers stay numbers so the server's types check. */
  private JsonObject sweep() {
    JsonObject sweep = new JsonObject();
    for (String s : sweeps) {
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--sweep wants PARAM=V1,V2,... but got '" + s + "'");
      }
      JsonArray values = new JsonArray();
      for (String v : s.substring(eq + 1).split(",")) {
        values.add(Values.typed(v.strip()));
      }
      sweep.put(s.substring(0, eq).strip().replace('-', '_'), values);
    }
    return sweep;
  }
}
