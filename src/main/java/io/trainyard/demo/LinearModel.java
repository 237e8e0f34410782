package io.trainyard.demo;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Multi-output linear regression on standardized features:
 * {@code y[k] = bias[k] + sum_j weights[j][k] * (x[j] - mean[j]) / std[j]}.
 * The standardization is part of the model so that predict jobs apply exactly the
 * statistics learned from the training data.
 */
public final class LinearModel {

  public static final String TYPE = "trainyard.demo.linear";

  private final double[] mean;
  private final double[] std;
  private final double[][] weights;
  private final double[] bias;

  public LinearModel(double[] mean, double[] std, double[][] weights, double[] bias) {
    int g = mean.length;
    if (g == 0 || std.length != g || weights.length != g || bias.length == 0) {
      throw new IllegalArgumentException("inconsistent model shape");
    }
    for (double[] row : weights) {
      if (row.length != bias.length) {
        throw new IllegalArgumentException("weights rows must have output_dim " + bias.length + " entries");
      }
    }
    for (double s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std entries must be positive");
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
    this.weights = new double[g][];
    for (int j = 0; j < g; j++) {
      this.weights[j] = weights[j].clone();
    }
    this.bias = bias.clone();
  }

  public int geneSize() {
    return mean.length;
  }

  public int outputDim() {
    return bias.length;
  }

  public double[] predict(double[] x) {
    if (x.length != mean.length) {
      throw new IllegalArgumentException("expected " + mean.length + " features, got " + x.length);
    }
    double[] y = bias.clone();
    for (int j = 0; j < x.length; j++) {
      double z = (x[j] - mean[j]) / std[j];
      double[] w = weights[j];
      for (int k = 0; k < y.length; k++) {
        y[k] += w[k] * z;
      }
    }
    return y;
  }

  public JsonObject toJson() {
    JsonArray w = new JsonArray();
    for (double[] row : weights) {
      w.add(toArray(row));
    }
    return new JsonObject()
        .put("type", TYPE)
        .put("gene_size", geneSize())
        .put("output_dim", outputDim())
        .put("mean", toArray(mean))
        .put("std", toArray(std))
        .put("weights", w)
        .put("bias", toArray(bias));
  }

  /** Extra keys (dataset_id, metadata) are ignored; shapes are checked against the declared sizes. */
  public static LinearModel fromJson(JsonObject json) {
    try {
      if (!TYPE.equals(json.getString("type"))) {
        throw new IllegalArgumentException("type is '" + json.getValue("type") + "', expected '" + TYPE + "'");
      }
      int g = requireInt(json, "gene_size");
      int o = requireInt(json, "output_dim");
      double[] mean = toDoubles(json.getJsonArray("mean"), g, "mean");
      double[] std = toDoubles(json.getJsonArray("std"), g, "std");
      double[] bias = toDoubles(json.getJsonArray("bias"), o, "bias");
      JsonArray w = json.getJsonArray("weights");
      if (w == null || w.size() != g) {
        throw new IllegalArgumentException("weights must have gene_size " + g + " rows");
      }
      double[][] weights = new double[g][];
      for (int j = 0; j < g; j++) {
        weights[j] = toDoubles(w.getJsonArray(j), o, "weights[" + j + "]");
      }
      return new LinearModel(mean, std, weights, bias);
    } catch (ClassCastException e) {
      // Wrong JSON types (e.g. a string where an array belongs) are a malformed model, not a bug.
      throw new IllegalArgumentException("unexpected value type: " + e.getMessage(), e);
    }
  }

  public void save(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson().encodePrettily());
  }

  /** Any unreadable, non-JSON or malformed model file is reported as an IOException naming the file. */
  public static LinearModel load(Path file) throws IOException {
    JsonObject json = readJson(file);
    try {
      return fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a valid linear model: " + e.getMessage(), e);
    }
  }

  static JsonObject readJson(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new IOException(file + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  private static int requireInt(JsonObject json, String key) {
    Object v = json.getValue(key);
    if (!(v instanceof Number) || ((Number) v).doubleValue() != ((Number) v).intValue()
        || ((Number) v).intValue() <= 0) {
      throw new IllegalArgumentException(key + " must be a positive integer, got " + v);
    }
    return ((Number) v).intValue();
  }

  private static JsonArray toArray(double[] values) {
    JsonArray a = new JsonArray();
    for (double v : values) {
      a.add(v);
    }
    return a;
  }

  private static double[] toDoubles(JsonArray a, int expected, String name) {
    if (a == null || a.size() != expected) {
      throw new IllegalArgumentException(name + " must have " + expected + " entries");
    }
    double[] out = new double[expected];
    for (int i = 0; i < expected; i++) {
      Double v = a.getDouble(i);
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException(name + "[" + i + "] is not a finite number");
      }
      out[i] = v;
    }
    return out;
  }
}
