package io.trainyard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTrainTest {

  private static final Pattern STEP =
      Pattern.compile("epoch (\\d+)/(\\d+) step (\\d+)/(\\d+) loss (\\d+\\.\\d+)");
  private static final Pattern VALIDATION =
      Pattern.compile("validation epoch (\\d+)/10 val_loss (\\d+\\.\\d+) val_r2 (-?\\d+\\.\\d+)");

  @TempDir
  Path dir;
  private Path csv;
  private Path jobDir;

  @BeforeEach
  void writeDataset() throws IOException {
    csv = DemoJobs.demoCsv(dir);
    jobDir = dir.resolve("job");
  }

  @Test
  void trainingOnDemoDatasetExitsZeroAndWritesModelAndMetrics() throws IOException {
    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS));

    assertEquals(0, r.exitCode(), String.join("\n", r.lines()));
    assertTrue(r.lastLine().startsWith("done: final loss "), r.lastLine());
    assertTrue(r.lines().contains("stage: loading dataset demo (512 rows)"), r.lines().toString());
    assertTrue(r.lines().contains("preprocessing: standardizing 64 features"));
    assertTrue(r.lines().contains("warmup: initializing weights"));
    assertTrue(r.lines().contains("checkpoint: saving model to " + jobDir.resolve("model.json")));

    JsonObject model = new JsonObject(Files.readString(jobDir.resolve("model.json")));
    assertEquals(64, model.getInteger("gene_size"));
    assertEquals(4, model.getInteger("output_dim"));
    assertEquals("demo", model.getString("dataset_id"));
    assertEquals(64, LinearModel.load(jobDir.resolve("model.json")).geneSize());

    JsonObject metrics = new JsonObject(Files.readString(jobDir.resolve("metrics.json")));
    assertEquals(10, metrics.getInteger("epochs"));
    assertEquals(80, metrics.getInteger("steps"));
    assertTrue(metrics.getDouble("val_r2") > 0.9, metrics.encode());
    assertTrue(metrics.getDouble("final_loss") < 0.1, metrics.encode());
    assertTrue(metrics.containsKey("val_loss"));
  }

  @Test
  void lossDecreasesFromFirstStepToFinalLoss() throws IOException {
    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS));

    double firstStepLoss = Double.parseDouble(stepMatchers(r.lines()).get(0).group(5));
    double finalLoss = Double.parseDouble(r.lastLine().split(" ")[3]);
    assertTrue(finalLoss < firstStepLoss / 10, firstStepLoss + " -> " + finalLoss);
  }

  @Test
  void stepCounterIsGlobalAcrossEpochsAndReachesTheTotal() throws IOException {
    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS));

    // 461 training rows (512 minus a 10% hold-out) in batches of 64: 8 steps per epoch.
    List<Matcher> steps = stepMatchers(r.lines());
    assertEquals(80, steps.size());
    for (int i = 0; i < steps.size(); i++) {
      Matcher m = steps.get(i);
      assertEquals(i + 1, Integer.parseInt(m.group(3)), m.group());
      assertEquals(80, Integer.parseInt(m.group(4)), m.group());
      assertEquals(i / 8 + 1, Integer.parseInt(m.group(1)), m.group());
      assertEquals(10, Integer.parseInt(m.group(2)), m.group());
    }
  }

  @Test
  void validationLineFollowsEveryEpochAndR2Improves() throws IOException {
    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS));

    List<Matcher> vals = r.lines().stream().map(VALIDATION::matcher).filter(Matcher::matches).toList();
    assertEquals(10, vals.size());
    double firstR2 = Double.parseDouble(vals.get(0).group(3));
    double lastR2 = Double.parseDouble(vals.get(9).group(3));
    assertTrue(lastR2 > firstR2 && lastR2 > 0.9, firstR2 + " -> " + lastR2);
  }

  @Test
  void geneSizeMismatchExitsWithCode2AndNamesGeneSizeInTheLastLine() throws IOException {
    String params = DemoJobs.DEMO_PARAMS.replace("\"gene_size\":64", "\"gene_size\":100");

    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, params));

    assertEquals(2, r.exitCode());
    assertEquals("ERROR: gene_size 100 does not match dataset demo (64 features)", r.lastLine());
    assertFalse(Files.exists(jobDir.resolve("model.json")));
  }

  @Test
  void outputDimMismatchExitsWithCode2AndNamesOutputDim() throws IOException {
    String params = DemoJobs.DEMO_PARAMS.replace("\"output_dim\":4", "\"output_dim\":3");

    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, params));

    assertEquals(2, r.exitCode());
    assertEquals("ERROR: output_dim 3 does not match dataset demo (4 targets)", r.lastLine());
  }

  @Test
  void missingDatasetPathExitsWithCode2AndNamesTheVariable() throws IOException {
    Map<String, String> env = DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS);
    env.remove("TRAINYARD_DATASET_PATH");

    DemoJobs.Result r = DemoJobs.train(env);

    assertEquals(2, r.exitCode());
    assertEquals("ERROR: TRAINYARD_DATASET_PATH is not set", r.lastLine());
  }

  @Test
  void paramsThatAreNotJsonExitWithCode2() throws IOException {
    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, "gene_size=64"));

    assertEquals(2, r.exitCode());
    assertTrue(r.lastLine().startsWith("ERROR: TRAINYARD_PARAMS"), r.lastLine());
  }

  @Test
  void invalidBatchSizeExitsWithCode2() throws IOException {
    String params = DemoJobs.DEMO_PARAMS.replace("\"batch_size\":64", "\"batch_size\":0");

    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, params));

    assertEquals(2, r.exitCode());
    assertTrue(r.lastLine().startsWith("ERROR: param batch_size"), r.lastLine());
  }

  @Test
  void invalidStepDelayExitsWithCode2() throws IOException {
    Map<String, String> env = DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS);
    env.put("TRAINYARD_DEMO_STEP_MS", "-5");

    DemoJobs.Result r = DemoJobs.train(env);

    assertEquals(2, r.exitCode());
    assertTrue(r.lastLine().startsWith("ERROR: TRAINYARD_DEMO_STEP_MS"), r.lastLine());
  }

  @Test
  void stopRequestedMidRunExits143WithoutWritingModelOrMetrics() throws IOException {
    DemoJobs.Result r = DemoJobs.run(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS),
        DemoTrain::run, out -> out.contains(" step 5/80 "));

    assertEquals(143, r.exitCode());
    assertEquals("received stop signal, stopping", r.lastLine());
    assertEquals(5, stepMatchers(r.lines()).size());
    assertFalse(Files.exists(jobDir.resolve("model.json")));
    assertFalse(Files.exists(jobDir.resolve("metrics.json")));
  }

  @Test
  void sameParamsProduceTheSameModel() throws IOException {
    Path other = dir.resolve("job2");
    DemoJobs.train(DemoJobs.trainEnv(jobDir, csv, DemoJobs.DEMO_PARAMS));
    DemoJobs.train(DemoJobs.trainEnv(other, csv, DemoJobs.DEMO_PARAMS));

    JsonObject a = new JsonObject(Files.readString(jobDir.resolve("model.json"))).put("job_id", "");
    JsonObject b = new JsonObject(Files.readString(other.resolve("model.json"))).put("job_id", "");
    assertEquals(a, b);
  }

  private static List<Matcher> stepMatchers(List<String> lines) {
    return lines.stream().map(STEP::matcher).filter(Matcher::matches).toList();
  }
}
