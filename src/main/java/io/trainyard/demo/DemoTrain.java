package io.trainyard.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Bundled demo training job: fits a {@link LinearModel} on a demo-format CSV and writes
 * {@code model.json} and {@code metrics.json} into the job directory. The server follows
 * progress by parsing the {@code epoch E/N step S/T loss L} lines this prints.
 */
public final class DemoTrain {

  // Fixed seeds: the same job parameters reproduce the same split, batches and model.
  private static final long SPLIT_SEED = 7L;
  private static final long SHUFFLE_SEED = 11L;

  private final Map<String, String> env;
  private final PrintStream out;
  private final BooleanSupplier stopRequested;

  private DemoTrain(Map<String, String> env, PrintStream out, BooleanSupplier stopRequested) {
    this.env = env;
    this.out = out;
    this.stopRequested = stopRequested;
  }

  public static void main(String[] args) {
    DemoLauncher.launch(DemoTrain::run);
  }

  /**
   * Runs one training job. Exit codes: 0 done, 2 invalid environment/params/dataset,
   * 1 runtime failure (e.g. outputs not writable), 143 stopped on request (no model written).
   */
  static int run(Map<String, String> env, PrintStream out, BooleanSupplier stopRequested) {
    try {
      return new DemoTrain(env, out, stopRequested).train();
    } catch (JobFailure f) {
      return DemoLauncher.fail(out, f);
    } catch (RuntimeException e) {
      return DemoLauncher.fail(out, new JobFailure(JobFailure.RUNTIME_FAILURE, "unexpected failure: " + e));
    }
  }

  private int train() throws JobFailure {
    DemoEnv e = new DemoEnv(env);
    String jobId = e.require(DemoEnv.JOB_ID);
    Path jobDir = e.existingDirectory(DemoEnv.JOB_DIR);
    Path datasetPath = e.existingFile(DemoEnv.DATASET_PATH);
    DemoEnv.Params p = e.params(datasetPath);
    long stepMs = e.stepMs();
    if (p.geneSize() == null || p.outputDim() == null) {
      throw JobFailure.invalid("params must include gene_size and output_dim");
    }

    DemoData.Info info = describe(datasetPath, p.datasetId());
    DemoLauncher.say(out, "stage: job " + jobId + " training demo linear model");
    DemoLauncher.say(out, "stage: loading dataset " + p.datasetId() + " (" + info.rows() + " rows)");
    checkShape(p, info);
    DemoData.Dataset data = load(datasetPath, p.datasetId());
    if (stopRequested.getAsBoolean()) {
      return DemoLauncher.stopped(out);
    }

    int[][] split = split(data.rows());
    int[] trainRows = split[0];
    int[] valRows = split[1];
    long stepsPerEpoch = (trainRows.length + p.batchSize() - 1) / p.batchSize();
    long totalSteps = stepsPerEpoch * p.epochs();

    DemoLauncher.say(out, "preprocessing: standardizing " + data.geneSize() + " features");
    if (p.useDrugStructure()) {
      DemoLauncher.say(out, "preprocessing: use_drug_structure is ignored by the demo linear model");
    }
    DemoLauncher.say(out, "preprocessing: " + trainRows.length + " training rows, "
        + valRows.length + " validation rows");
    LinearTrainer trainer = new LinearTrainer(data.features(), data.targets(), trainRows, p.lr(), totalSteps);
    DemoLauncher.say(out, "warmup: initializing weights");
    trainer.initialize(trainRows);

    Random shuffle = new Random(SHUFFLE_SEED);
    long step = 0;
    double lastLoss = Double.NaN;
    LinearTrainer.Evaluation val = null;
    for (int epoch = 1; epoch <= p.epochs(); epoch++) {
      shuffleInPlace(trainRows, shuffle);
      for (int from = 0; from < trainRows.length; from += p.batchSize()) {
        if (stopRequested.getAsBoolean()) {
          return DemoLauncher.stopped(out);
        }
        step++;
        lastLoss = trainer.step(trainRows, from, Math.min(trainRows.length, from + p.batchSize()));
        if (!Double.isFinite(lastLoss)) {
          throw new JobFailure(JobFailure.RUNTIME_FAILURE, "training diverged at step " + step
              + " (loss " + lastLoss + "); try a smaller lr");
        }
        DemoLauncher.say(out, String.format(Locale.ROOT, "epoch %d/%d step %d/%d loss %.6f",
            epoch, p.epochs(), step, totalSteps, lastLoss));
        if (DemoLauncher.sleepUnlessStopped(stepMs, stopRequested)) {
          return DemoLauncher.stopped(out);
        }
      }
      val = trainer.evaluate(valRows);
      DemoLauncher.say(out, String.format(Locale.ROOT, "validation epoch %d/%d val_loss %.4f val_r2 %.4f",
          epoch, p.epochs(), val.mse(), val.r2()));
    }
    // Last chance to honour a stop before anything is written: a stopped job leaves no model.
    if (stopRequested.getAsBoolean()) {
      return DemoLauncher.stopped(out);
    }

    // Whole-training-set loss is a steadier "final loss" than the last mini-batch's.
    double finalLoss = trainer.evaluate(split[0]).mse();
    Path modelPath = jobDir.resolve("model.json");
    DemoLauncher.say(out, "checkpoint: saving model to " + modelPath);
    JsonObject model = trainer.toModel().toJson()
        .put("dataset_id", p.datasetId())
        .put("job_id", jobId);
    JsonObject metrics = new JsonObject()
        .put("final_loss", finalLoss)
        .put("val_loss", val.mse())
        .put("val_r2", val.r2())
        .put("epochs", p.epochs())
        .put("steps", step);
    try {
      AtomicFiles.writeString(modelPath, model.encodePrettily());
      AtomicFiles.writeString(jobDir.resolve("metrics.json"), metrics.encodePrettily());
    } catch (IOException ex) {
      throw new JobFailure(JobFailure.RUNTIME_FAILURE, "cannot write outputs to " + jobDir + ": " + ex.getMessage());
    }
    DemoLauncher.say(out, String.format(Locale.ROOT, "done: final loss %.6f val_r2 %.4f", finalLoss, val.r2()));
    return 0;
  }

  static DemoData.Info describe(Path datasetPath, String datasetId) throws JobFailure {
    try {
      return DemoData.describe(datasetPath);
    } catch (IOException ex) {
      throw JobFailure.invalid("cannot read dataset " + datasetId + ": " + ex.getMessage());
    }
  }

  static DemoData.Dataset load(Path datasetPath, String datasetId) throws JobFailure {
    try {
      return DemoData.load(datasetPath);
    } catch (IOException ex) {
      throw JobFailure.invalid("cannot read dataset " + datasetId + ": " + ex.getMessage());
    }
  }

  private static void checkShape(DemoEnv.Params p, DemoData.Info info) throws JobFailure {
    if (p.geneSize() != info.geneSize()) {
      throw JobFailure.invalid("gene_size " + p.geneSize() + " does not match dataset "
          + p.datasetId() + " (" + info.geneSize() + " features)");
    }
    if (info.outputDim() == 0) {
      throw JobFailure.invalid("dataset " + p.datasetId() + " has no target columns (y0,...) to train on");
    }
    if (p.outputDim() != info.outputDim()) {
      throw JobFailure.invalid("output_dim " + p.outputDim() + " does not match dataset "
          + p.datasetId() + " (" + info.outputDim() + " targets)");
    }
    if (info.rows() < 2) {
      throw JobFailure.invalid("dataset " + p.datasetId() + " has " + info.rows()
          + " rows; training needs at least 2 (one is held out for validation)");
    }
  }

  /** Deterministic ~10% hold-out (at least one row), chosen by a seeded shuffle. */
  static int[][] split(int rows) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    shuffleInPlace(order, new Random(SPLIT_SEED));
    int valCount = Math.max(1, Math.round(rows * 0.1f));
    int[] val = Arrays.copyOfRange(order, 0, valCount);
    int[] train = Arrays.copyOfRange(order, valCount, rows);
    // Sorted so the split is easy to reason about; batches are reshuffled every epoch anyway.
    Arrays.sort(val);
    Arrays.sort(train);
    return new int[][] {train, val};
  }

  private static void shuffleInPlace(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }
}
