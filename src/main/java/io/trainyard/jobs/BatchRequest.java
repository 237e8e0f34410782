package io.trainyard.jobs;

import io.trainyard.domain.Validation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The shape of a batch submission, {@code {"jobs": [entry, ...]}}: 1 to {@link #MAX_JOBS} entries,
 * each what the train or predict route accepts plus {@code "job_type"}. Only the shape is checked
 * here; each entry's fields are then checked by the single-submission rules.
 */
final class BatchRequest {
  /** At most this many entries: a batch is created in one transaction and answered in one body. */
  static final int MAX_JOBS = 1000;

  /**
   * One entry, named {@code jobs[i]}: {@code type} and {@code body} (without job_type) are null when
   * it cannot be checked as a submission; {@code problems} are its shape errors by field, unprefixed;
   * {@code refusal} says why the entry as a whole is wrong (not an object), else null.
   */
  record Entry(String name, JobType type, JsonObject body, Validation problems, String refusal) {
    /** Adds this entry's shape errors to a batch's, named {@code jobs[i]} / {@code jobs[i].field}. */
    void reportTo(Validation batch) {
      if (refusal != null) {
        batch.add(name, refusal);
      }
      batch.nest(name, problems);
    }
  }

  private BatchRequest() {
  }

  /** The entries, in order; a batch that is not a list of 1 to MAX_JOBS is refused naming {@code jobs}. */
  static List<Entry> entries(JsonObject body) {
    Validation v = new Validation();
    body.fieldNames().stream().filter(f -> !f.equals("jobs")).sorted().forEach(f -> v.add(f, "unknown field"));
    if (!(body.getValue("jobs") instanceof JsonArray jobs) || jobs.isEmpty() || jobs.size() > MAX_JOBS) {
      v.add("jobs", "must be a list of 1 to " + MAX_JOBS + " train or predict submissions, each with job_type");
      v.throwIfInvalid();
      return List.of();
    }
    v.throwIfInvalid();
    List<Entry> out = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      out.add(entry("jobs[" + i + "]", jobs.getValue(i)));
    }
    return out;
  }

  private static Entry entry(String name, Object raw) {
    Validation problems = new Validation();
    if (!(raw instanceof JsonObject obj)) {
      return new Entry(name, null, null, problems, "must be an object: a train or predict submission with job_type");
    }
    // A shallow copy: the entry's own fields are checked as a single submission's, without job_type.
    JsonObject fields = new JsonObject(new LinkedHashMap<>(obj.getMap()));
    Object type = fields.remove("job_type");
    JobType jobType = "train".equals(type) ? JobType.TRAIN : "predict".equals(type) ? JobType.PREDICT : null;
    if (jobType == null) {
      problems.add("job_type", "must be train or predict");
    }
    if (fields.containsKey("sweep")) {
      // A sweep fans out into up to 256 jobs of its own; batched, that would be up to 256,000 in one
      // transaction. Sweeps are submitted on their own.
      fields.remove("sweep");
      problems.add("sweep", "is not supported in a batch; submit a sweep on its own with POST /api/jobs/train");
    }
    return new Entry(name, jobType, jobType == null ? null : fields, problems, null);
  }
}
