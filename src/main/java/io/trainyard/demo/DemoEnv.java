package io.trainyard.demo;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/** Reads and validates the TRAINYARD_* environment the server hands to a demo job. */
final class DemoEnv {

  static final String JOB_ID = "TRAINYARD_JOB_ID";
  static final String JOB_DIR = "TRAINYARD_JOB_DIR";
  static final String DATASET_PATH = "TRAINYARD_DATASET_PATH";
  static final String MODEL_PATH = "TRAINYARD_MODEL_PATH";
  static final String PARAMS = "TRAINYARD_PARAMS";
  static final String STEP_MS = "TRAINYARD_DEMO_STEP_MS";

  static final long DEFAULT_STEP_MS = 250;
  // Guards against a typo turning a demo into an hours-long job.
  static final long MAX_STEP_MS = 60_000;

  /**
   * Job parameters. gene_size/output_dim are null when absent: training requires them,
   * prediction falls back to the model's values.
   */
  record Params(String datasetId, Integer geneSize, Integer outputDim, boolean useDrugStructure,
      int batchSize, double lr, int epochs) {
  }

  private final Map<String, String> env;

  DemoEnv(Map<String, String> env) {
    this.env = env;
  }

  String require(String name) throws JobFailure {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw JobFailure.invalid(name + " is not set");
    }
    return v.strip();
  }

  Path existingDirectory(String name) throws JobFailure {
    Path p = path(name);
    if (!Files.isDirectory(p)) {
      throw JobFailure.invalid(name + " " + p + " is not an existing directory");
    }
    return p;
  }

  Path existingFile(String name) throws JobFailure {
    Path p = path(name);
    if (!Files.isRegularFile(p)) {
      throw JobFailure.invalid(name + " " + p + " is not an existing file");
    }
    return p;
  }

  long stepMs() throws JobFailure {
    String raw = env.get(STEP_MS);
    if (raw == null || raw.isBlank()) {
      return DEFAULT_STEP_MS;
    }
    try {
      long ms = Long.parseLong(raw.strip());
      if (ms >= 0 && ms <= MAX_STEP_MS) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw JobFailure.invalid(STEP_MS + " must be an integer between 0 and " + MAX_STEP_MS + ", got '" + raw + "'");
  }

  /** Parses TRAINYARD_PARAMS; unknown keys are ignored so the server can add new ones freely. */
  Params params(Path datasetPath) throws JobFailure {
    String raw = require(PARAMS);
    JsonObject json;
    try {
      json = new JsonObject(raw);
    } catch (DecodeException e) {
      throw JobFailure.invalid(PARAMS + " is not a JSON object: " + e.getMessage());
    }
    Object id = json.getValue("dataset_id");
    String datasetId = id == null ? defaultDatasetId(datasetPath) : String.valueOf(id);
    return new Params(
        datasetId,
        optionalPositiveInt(json, "gene_size", null),
        optionalPositiveInt(json, "output_dim", null),
        bool(json, "use_drug_structure"),
        optionalPositiveInt(json, "batch_size", 32),
        positiveDouble(json, "lr", 1e-4),
        optionalPositiveInt(json, "epochs", 10));
  }

  private Path path(String name) throws JobFailure {
    String raw = require(name);
    try {
      return Path.of(raw);
    } catch (InvalidPathException e) {
      throw JobFailure.invalid(name + " is not a valid path: " + raw);
    }
  }

  private static String defaultDatasetId(Path datasetPath) {
    String name = datasetPath.getFileName().toString();
    return name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
  }

  /** Accepts JSON numbers and numeric strings ("64"), since form-built params often carry strings. */
  private static Integer optionalPositiveInt(JsonObject json, String key, Integer fallback) throws JobFailure {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    double d = number(key, v);
    if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
      throw JobFailure.invalid("param " + key + " must be a positive integer, got " + v);
    }
    return (int) d;
  }

  private static double positiveDouble(JsonObject json, String key, double fallback) throws JobFailure {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    double d = number(key, v);
    if (!(d > 0) || Double.isInfinite(d)) {
      throw JobFailure.invalid("param " + key + " must be a positive number, got " + v);
    }
    return d;
  }

  private static double number(String key, Object v) throws JobFailure {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof String) {
      try {
        return Double.parseDouble(((String) v).strip());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw JobFailure.invalid("param " + key + " must be a number, got " + v);
  }

  private static boolean bool(JsonObject json, String key) throws JobFailure {
    Object v = json.getValue(key);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw JobFailure.invalid("param " + key + " must be true or false, got " + v);
  }
}
