package io.trainyard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPredictTest {

  @TempDir
  Path dir;
  private Path csv;
  private Path model;
  private Path jobDir;

  @BeforeEach
  void trainModel() throws IOException {
    csv = DemoJobs.demoCsv(dir);
    Path trainDir = dir.resolve("train");
    DemoJobs.Result r = DemoJobs.train(DemoJobs.trainEnv(trainDir, csv, DemoJobs.DEMO_PARAMS));
    assertEquals(0, r.exitCode(), r.lastLine());
    model = trainDir.resolve("model.json");
    jobDir = dir.resolve("predict");
  }

  @Test
  void predictWithTrainedModelWritesOnePredictionRowPerSample() throws IOException {
    DemoJobs.Result r = DemoJobs.predict(DemoJobs.predictEnv(jobDir, csv, model, DemoJobs.DEMO_PARAMS));

    assertEquals(0, r.exitCode(), String.join("\n", r.lines()));
    assertEquals("done: predicted 512 rows", r.lastLine());
    assertTrue(r.lines().contains("stage: loading model " + model), r.lines().toString());
    assertTrue(r.lines().contains("predicting batch 3/8 step 3/8"), r.lines().toString());

    List<String> rows = Files.readAllLines(jobDir.resolve("predictions.csv"));
    assertEquals("row,p0,p1,p2,p3", rows.get(0));
    assertEquals(513, rows.size());
    assertTrue(rows.stream().skip(1).allMatch(l -> l.split(",").length == 5));
    assertTrue(rows.get(512).startsWith("511,"), rows.get(512));

    JsonObject metrics = new JsonObject(Files.readString(jobDir.resolve("metrics.json")));
    assertEquals(512, metrics.getInteger("rows"));
    assertTrue(metrics.getDouble("mse") < 0.1, metrics.encode());
  }

  @Test
  void predictOnDatasetWithoutTargetsReportsNullMse() throws IOException {
    Path featuresOnly = dir.resolve("features.csv");
    String withoutTargets = Files.readAllLines(csv).stream().limit(101)
        .map(l -> l.substring(0, nthComma(l, 64)))
        .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(featuresOnly, withoutTargets);

    DemoJobs.Result r = DemoJobs.predict(DemoJobs.predictEnv(jobDir, featuresOnly, model, DemoJobs.DEMO_PARAMS));

    assertEquals(0, r.exitCode(), r.lastLine());
    assertEquals("predicting batch 2/2 step 2/2", r.lines().get(r.lines().size() - 2));
    JsonObject metrics = new JsonObject(Files.readString(jobDir.resolve("metrics.json")));
    assertEquals(100, metrics.getInteger("rows"));
    assertTrue(metrics.containsKey("mse"));
    assertEquals(null, metrics.getValue("mse"));
  }

  @Test
  void outputDimDifferentFromModelExitsWithCode2() throws IOException {
    String params = DemoJobs.DEMO_PARAMS.replace("\"output_dim\":4", "\"output_dim\":2");

    DemoJobs.Result r = DemoJobs.predict(DemoJobs.predictEnv(jobDir, csv, model, params));

    assertEquals(2, r.exitCode());
    assertEquals("ERROR: output_dim 2 does not match model (4 outputs)", r.lastLine());
    assertFalse(Files.exists(jobDir.resolve("predictions.csv")));
  }

  @Test
  void datasetWithOtherGeneSizeThanModelExitsWithCode2() throws IOException {
    Path small = dir.resolve("small.csv");
    Files.writeString(small, "g0,g1\n1,2\n");

    DemoJobs.Result r = DemoJobs.predict(DemoJobs.predictEnv(jobDir, small, model, DemoJobs.DEMO_PARAMS));

    assertEquals(2, r.exitCode());
    assertEquals("ERROR: gene_size 64 does not match dataset demo (2 features)", r.lastLine());
  }

  @Test
  void unreadableModelExitsWithCode2AndSingleLineError() throws IOException {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"type\": \"something else\"}");

    DemoJobs.Result r = DemoJobs.predict(DemoJobs.predictEnv(jobDir, csv, broken, DemoJobs.DEMO_PARAMS));

    assertEquals(2, r.exitCode());
    assertTrue(r.lastLine().startsWith("ERROR: cannot load model: "), r.lastLine());
  }

  @Test
  void paramsWithoutSizesFallBackToTheModel() throws IOException {
    DemoJobs.Result r = DemoJobs.predict(DemoJobs.predictEnv(jobDir, csv, model, "{\"dataset_id\":\"demo\"}"));

    assertEquals(0, r.exitCode(), r.lastLine());
  }

  @Test
  void stopRequestedDuringPredictionExits143WithoutPredictions() throws IOException {
    DemoJobs.Result r = DemoJobs.run(DemoJobs.predictEnv(jobDir, csv, model, DemoJobs.DEMO_PARAMS),
        DemoPredict::run, out -> out.contains("step 2/8"));

    assertEquals(143, r.exitCode());
    assertEquals("received stop signal, stopping", r.lastLine());
    assertFalse(Files.exists(jobDir.resolve("predictions.csv")));
    assertFalse(Files.exists(jobDir.resolve("metrics.json")));
  }

  private static int nthComma(String line, int n) {
    int idx = -1;
    for (int i = 0; i < n; i++) {
      idx = line.indexOf(',', idx + 1);
    }
    return idx;
  }
}
