package io.trainyard.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Bundled demo prediction job: applies a {@code model.json} written by {@link DemoTrain} to a
 * demo-format CSV and writes {@code predictions.csv} and {@code metrics.json} into the job
 * directory. Progress lines look like {@code predicting batch 3/8 step 3/8}.
 */
public final class DemoPredict {

  static final int BATCH_ROWS = 64;

  private final Map<String, String> env;
  private final PrintStream out;
  private final BooleanSupplier stopRequested;

  private DemoPredict(Map<String, String> env, PrintStream out, BooleanSupplier stopRequested) {
    this.env = env;
    this.out = out;
    this.stopRequested = stopRequested;
  }

  public static void main(String[] args) {
    DemoLauncher.launch(DemoPredict::run);
  }

  /**
   * Runs one prediction job. Exit codes: 0 done, 2 invalid environment/params/dataset/model or
   * shape mismatch, 1 runtime failure, 143 stopped on request (no predictions written).
   */
  static int run(Map<String, String> env, PrintStream out, BooleanSupplier stopRequested) {
    try {
      return new DemoPredict(env, out, stopRequested).predict();
    } catch (JobFailure f) {
      return DemoLauncher.fail(out, f);
    } catch (RuntimeException e) {
      return DemoLauncher.fail(out, new JobFailure(JobFailure.RUNTIME_FAILURE, "unexpected failure: " + e));
    }
  }

  private int predict() throws JobFailure {
    DemoEnv e = new DemoEnv(env);
    String jobId = e.require(DemoEnv.JOB_ID);
    Path jobDir = e.existingDirectory(DemoEnv.JOB_DIR);
    Path datasetPath = e.existingFile(DemoEnv.DATASET_PATH);
    Path modelPath = e.existingFile(DemoEnv.MODEL_PATH);
    DemoEnv.Params p = e.params(datasetPath);
    long stepMs = e.stepMs();

    DemoLauncher.say(out, "stage: job " + jobId + " predicting with demo linear model");
    DemoLauncher.say(out, "stage: loading model " + modelPath);
    LinearModel model;
    try {
      model = LinearModel.load(modelPath);
    } catch (IOException ex) {
      throw JobFailure.invalid("cannot load model: " + ex.getMessage());
    }
    // Params may omit the sizes; the model then defines them. If given, they must agree.
    int geneSize = p.geneSize() == null ? model.geneSize() : p.geneSize();
    int outputDim = p.outputDim() == null ? model.outputDim() : p.outputDim();
    if (geneSize != model.geneSize()) {
      throw JobFailure.invalid("gene_size " + geneSize + " does not match model (" + model.geneSize() + " features)");
    }
    if (outputDim != model.outputDim()) {
      throw JobFailure.invalid("output_dim " + outputDim + " does not match model (" + model.outputDim() + " outputs)");
    }

    DemoData.Info info = DemoTrain.describe(datasetPath, p.datasetId());
    DemoLauncher.say(out, "stage: loading dataset " + p.datasetId() + " (" + info.rows() + " rows)");
    if (info.geneSize() != geneSize) {
      throw JobFailure.invalid("gene_size " + geneSize + " does not match dataset "
          + p.datasetId() + " (" + info.geneSize() + " features)");
    }
    // Targets are optional for prediction; when present they must line up with the outputs.
    if (info.outputDim() != 0 && info.outputDim() != outputDim) {
      throw JobFailure.invalid("output_dim " + outputDim + " does not match dataset "
          + p.datasetId() + " (" + info.outputDim() + " targets)");
    }
    DemoData.Dataset data = DemoTrain.load(datasetPath, p.datasetId());

    int rows = data.rows();
    int batches = (rows + BATCH_ROWS - 1) / BATCH_ROWS;
    StringBuilder csv = new StringBuilder("row");
    for (int k = 0; k < outputDim; k++) {
      csv.append(",p").append(k);
    }
    csv.append('\n');
    double sqErr = 0;
    for (int batch = 1; batch <= batches; batch++) {
      if (stopRequested.getAsBoolean()) {
        return DemoLauncher.stopped(out);
      }
      int end = Math.min(rows, batch * BATCH_ROWS);
      for (int r = (batch - 1) * BATCH_ROWS; r < end; r++) {
        double[] pred = model.predict(data.features()[r]);
        csv.append(r);
        for (int k = 0; k < outputDim; k++) {
          csv.append(',').append(pred[k]);
          if (data.hasTargets()) {
            double d = pred[k] - data.targets()[r][k];
            sqErr += d * d;
          }
        }
        csv.append('\n');
      }
      DemoLauncher.say(out, "predicting batch " + batch + "/" + batches + " step " + batch + "/" + batches);
      if (DemoLauncher.sleepUnlessStopped(stepMs, stopRequested)) {
        return DemoLauncher.stopped(out);
      }
    }
    if (stopRequested.getAsBoolean()) {
      return DemoLauncher.stopped(out);
    }

    JsonObject metrics = new JsonObject().put("rows", rows);
    if (data.hasTargets() && rows > 0) {
      metrics.put("mse", sqErr / ((double) rows * outputDim));
    } else {
      metrics.putNull("mse");
    }
    try {
      AtomicFiles.writeString(jobDir.resolve("predictions.csv"), csv.toString());
      AtomicFiles.writeString(jobDir.resolve("metrics.json"), metrics.encodePrettily());
    } catch (IOException ex) {
      throw new JobFailure(JobFailure.RUNTIME_FAILURE, "cannot write outputs to " + jobDir + ": " + ex.getMessage());
    }
    DemoLauncher.say(out, "done: predicted " + rows + " rows");
    return 0;
  }
}
