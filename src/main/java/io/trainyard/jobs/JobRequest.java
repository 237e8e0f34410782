package io.trainyard.jobs;

import io.trainyard.domain.Validation;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Type checks of a train or predict submission. Strict on purpose: a float where an integer belongs,
 * a string where a number belongs, an unknown field (likely a typo) are all 400s naming the field,
 * rather than guesses that run a different job than the user meant.
 */
final class JobRequest {
  /** Dataset ids: file-name safe, no separators, no shell metacharacters, no "..". */
  static final Pattern DATASET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_./-]{1,1024}");
  static final int MAX_DIM = 1_000_000;
  static final int MAX_EPOCHS = 10_000;
  static final Set<String> TRAIN_FIELDS = with(Execution.FIELDS, "dataset_id", "prepared_dataset_id", "gene_size",
      "output_dim", "use_drug_structure", "control_dataset_id", "batch_size", "lr", "epochs", "priority", "depends_on",
      "sweep");
  static final Set<String> PREDICT_FIELDS = with(Execution.FIELDS, "dataset_id", "model_id", "model_path", "gene_size",
      "output_dim", "use_drug_structure", "priority", "depends_on");

  private static Set<String> with(Set<String> more, String... fields) {
    Set<String> all = new java.util.HashSet<>(more);
    all.addAll(java.util.List.of(fields));
    return Set.copyOf(all);
  }

  private final JsonObject body;
  private final Validation v = new Validation();

  JobRequest(JsonObject body, Set<String> known) {
    this.body = body;
    body.fieldNames().stream().filter(f -> !known.contains(f)).sorted().forEach(f -> v.add(f, "unknown field"));
  }

  Validation validation() {
    return v;
  }

  /** Fields every local job has (dataset, shape, drug-structure flag) into {@code params}; the dataset id. */
  String common(JsonObject params) {
    String dataset = string("dataset_id", true, DATASET_ID, "a dataset id (letters, digits, '_', '-')");
    params.put("dataset_id", dataset);
    params.put("gene_size", integer("gene_size", true, null, 1, MAX_DIM));
    params.put("output_dim", integer("output_dim", true, null, 1, MAX_DIM));
    params.put("use_drug_structure", bool("use_drug_structure", false));
    return dataset;
  }

  int priority() {
    return integer("priority", false, 0, -1_000_000, 1_000_000);
  }

  String dependsOn() {
    return string("depends_on", false, Ids.SAFE, "a job id");
  }

  /** An integer in [min, max]; floats (even 5.0), strings and booleans are refused. */
  Integer integer(String field, boolean required, Integer dflt, long min, long max) {
    Object raw = body.getValue(field);
    if (raw == null) {
      if (required) {
        v.add(field, "is required");
      }
      return dflt;
    }
    if (!(raw instanceof Integer || raw instanceof Long || raw instanceof BigInteger)) {
      v.add(field, "must be an integer" + range(min, max));
      return dflt;
    }
    BigInteger n = raw instanceof BigInteger b ? b : BigInteger.valueOf(((Number) raw).longValue());
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      v.add(field, "must be an integer" + range(min, max));
      return dflt;
    }
    return n.intValue();
  }

  /** A finite number in (0, max]. */
  Double positiveNumber(String field, Double dflt, double max) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return dflt;
    }
    if (!(raw instanceof Number num) || raw instanceof BigDecimal && ((BigDecimal) raw).abs().compareTo(BigDecimal.valueOf(max)) > 0) {
      v.add(field, "must be a number > 0 and <= " + max);
      return dflt;
    }
    double d = num.doubleValue();
    if (!Double.isFinite(d) || d <= 0 || d > max) {
      v.add(field, "must be a number > 0 and <= " + max);
      return dflt;
    }
    return d;
  }

  Boolean bool(String field, boolean dflt) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return dflt;
    }
    if (!(raw instanceof Boolean b)) {
      v.add(field, "must be true or false");
      return dflt;
    }
    return b;
  }

  /** A string matching {@code pattern}; {@code what} describes the allowed form. */
  String string(String field, boolean required, Pattern pattern, String what) {
    Object raw = body.getValue(field);
    if (raw == null) {
      if (required) {
        v.add(field, "is required");
      }
      return null;
    }
    if (!(raw instanceof String s)) {
      v.add(field, "must be a string");
      return null;
    }
    if (!pattern.matcher(s).matches() || s.contains("..") && pattern == DATASET_ID) {
      v.add(field, "must be " + what);
      return null;
    }
    return s;
  }

  private static String range(long min, long max) {
    return max >= Integer.MAX_VALUE ? " >= " + min : " from " + min + " to " + max;
  }
}
