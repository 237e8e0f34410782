package io.trainyard.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Test helpers: demo job environments and in-process runs with captured output. */
final class DemoJobs {

  static final String DEMO_PARAMS = "{\"dataset_id\":\"demo\",\"gene_size\":64,\"output_dim\":4,"
      + "\"use_drug_structure\":false,\"batch_size\":64,\"lr\":0.0001,\"epochs\":10,"
      + "\"some_future_option\":{\"ignored\":true}}";

  /** Output lines and exit code of one in-process job run. */
  record Result(int exitCode, List<String> lines) {

    String lastLine() {
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  private DemoJobs() {
  }

  static Path demoCsv(Path dir) throws IOException {
    Path csv = dir.resolve("demo.csv");
    DemoData.writeDemo(csv);
    return csv;
  }

  static Map<String, String> trainEnv(Path jobDir, Path csv, String params) throws IOException {
    Files.createDirectories(jobDir);
    Map<String, String> env = new HashMap<>();
    env.put("TRAINYARD_JOB_ID", "job-" + jobDir.getFileName());
    env.put("TRAINYARD_JOB_DIR", jobDir.toString());
    env.put("TRAINYARD_DATASET_PATH", csv.toString());
    env.put("TRAINYARD_PARAMS", params);
    env.put("TRAINYARD_DEMO_STEP_MS", "0");
    return env;
  }

  static Map<String, String> predictEnv(Path jobDir, Path csv, Path model, String params) throws IOException {
    Map<String, String> env = trainEnv(jobDir, csv, params);
    env.put("TRAINYARD_MODEL_PATH", model.toString());
    return env;
  }

  static Result train(Map<String, String> env) {
    return run(env, DemoTrain::run, out -> false);
  }

  static Result predict(Map<String, String> env) {
    return run(env, DemoPredict::run, out -> false);
  }

  /** Runs a job whose stop flag turns true once the output so far satisfies {@code stopWhen}. */
  static Result run(Map<String, String> env, DemoLauncher.Job job, Predicate<String> stopWhen) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    BooleanSupplier stop = () -> stopWhen.test(buf.toString(StandardCharsets.UTF_8));
    int code = job.run(env, out, stop);
    return new Result(code, buf.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
