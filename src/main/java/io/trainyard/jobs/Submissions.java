package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validated creation of local jobs: train (optionally a sweep), predict, rerun, and batches of them.
 * Every check runs before anything is written, and what one request creates (a sweep's parent and
 * shards, a batch's entries) is inserted in one transaction.
 */
public final class Submissions {
  /** At most this many shards per sweep; more is a 400 rather than a flood of jobs. */
  public static final int MAX_SWEEP = 256;
  static final int MAX_DEPENDENCY_DEPTH = 100;
  /** The train fields a sweep may vary. */
  private static final Set<String> SWEEPABLE = Set.of("lr", "batch_size", "epochs", "use_drug_structure");

  private final Vertx vertx;
  private final JobLedger ledger;
  private final References references;
  private final JobPaths paths;
  private final int defaultEpochs;
  private final Execution execution;
  private final JobRepository jobs;
  /** Queued jobs a user may have at most ({@code limits.max_queued_per_user}); beyond it a submission is refused. */
  private final long maxQueuedPerUser;
  private final StorageCheck storage;

  public Submissions(Vertx vertx, JobRepository jobs, JobLedger ledger, ModelRepository models, DatasetCatalog datasets,
                     JobPaths paths, int defaultEpochs, Execution execution, StorageCheck storage, long maxQueuedPerUser) {
    this.storage = storage;
    this.vertx = vertx;
    this.jobs = jobs;
    this.maxQueuedPerUser = maxQueuedPerUser;
    this.ledger = ledger;
    this.references = new References(vertx, jobs, models, datasets, paths);
    this.paths = paths;
    this.defaultEpochs = defaultEpochs;
    this.execution = execution;
  }

  /** A validated submission: type, normalized params, priority, dependency, sweep axes. */
  public record Plan(JobType type, JsonObject params, int priority, String dependsOn, Map<String, List<Object>> sweep) {
    /** What a template or rerun stores: the params plus priority, dependency and sweep as given. */
    public JsonObject asBody() {
      JsonObject body = params.copy();
      body.fieldNames().removeIf(k -> body.getValue(k) == null);
      if (body.containsKey("model_id")) {
        body.remove("model_path"); // resolved from model_id; giving both is refused on submission
      }
      if (priority != 0) {
        body.put("priority", priority);
      }
      if (dependsOn != null) {
        body.put("depends_on", dependsOn);
      }
      if (sweep != null) {
        JsonObject s = new JsonObject();
        sweep.forEach((k, v) -> s.put(k, new JsonArray(v)));
        body.put("sweep", s);
      }
      return body;
    }
  }

  /**
   * A submission checked as far as it can be without looking anything up, with what it names that
   * must be looked up (null: nothing to look up). Its errors so far are in {@code v}.
   */
  record Draft(JobType type, Validation v, JsonObject params, int priority, String dependsOn,
               Map<String, List<Object>> sweep, String dataset, String modelId, String modelPath,
               boolean hasModelId, boolean hasModelPath) {
  }

  /** Validates a submission of the given type without creating anything. */
  public Future<Plan> plan(User user, JobType type, JsonObject body) {
    if (!type.isLocalProgram()) {
      return Future.failedFuture(DomainException.invalid("job_type", "must be train or predict"));
    }
    Draft d = draft(type, body);
    return references.load(user, List.of(d)).map(found -> {
      Plan p = judge(d, found);
      d.v().throwIfInvalid();
      return p;
    });
  }

  public Future<Job> submit(User user, JobType type, JsonObject body) {
    return plan(user, type, body).compose(p -> create(user, p));
  }

  /**
   * Validates every entry of a batch (each as its single route would, named {@code jobs[i].field}),
   * looking up what all of them name together; then creates all of them in one transaction, or,
   * if any entry is bad, none. Answers the jobs in request order.
   */
  public Future<List<Job>> submitBatch(User user, JsonObject body) {
    List<BatchRequest.Entry> entries;
    try {
      entries = BatchRequest.entries(body);
    } catch (DomainException notABatch) {
      return Future.failedFuture(notABatch);
    }
    List<Draft> drafts = new ArrayList<>(entries.size());
    for (BatchRequest.Entry e : entries) {
      drafts.add(e.type() == null ? null : draft(e.type(), e.body()));
    }
    return references.load(user, drafts.stream().filter(d -> d != null).toList()).compose(found -> {
      Validation all = new Validation();
      List<JobLedger.NewJob> batch = new ArrayList<>(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        BatchRequest.Entry e = entries.get(i);
        e.reportTo(all);
        Draft d = drafts.get(i);
        if (d != null) {
          Plan p = judge(d, found);
          all.nest(e.name(), d.v());
          batch.add(newJob(user, p.type(), p.params(), p.priority(), p.dependsOn(), null));
        }
      }
      all.throwIfInvalid();
      return insert(batch);
    });
  }

  /** The checks that need nothing looked up: types, ranges, unknown fields, sweep axes. */
  private Draft draft(JobType type, JsonObject body) {
    return type == JobType.TRAIN ? draftTrain(body) : draftPredict(body);
  }

  private Draft draftTrain(JsonObject body) {
    JobRequest req = new JobRequest(body, JobRequest.TRAIN_FIELDS);
    Validation v = req.validation();
    JsonObject params = new JsonObject();
    String dataset = req.common(params);
    params.put("prepared_dataset_id", req.string("prepared_dataset_id", false, JobRequest.DATASET_ID, "a dataset id"));
    params.put("control_dataset_id", req.string("control_dataset_id", false, JobRequest.DATASET_ID, "a dataset id"));
    params.put("batch_size", req.integer("batch_size", false, 64, 1, JobRequest.MAX_DIM));
    params.put("lr", req.positiveNumber("lr", 1e-4, 100.0));
    params.put("epochs", req.integer("epochs", false, defaultEpochs, 1, JobRequest.MAX_EPOCHS));
    execution.read(JobType.TRAIN, req, body, v, params);
    int priority = req.priority();
    String dependsOn = req.dependsOn();
    Map<String, List<Object>> sweep = sweep(v, body.getValue("sweep"));
    return new Draft(JobType.TRAIN, v, params, priority, dependsOn, sweep, dataset, null, null, false, false);
  }

  private Draft draftPredict(JsonObject body) {
    JobRequest req = new JobRequest(body, JobRequest.PREDICT_FIELDS);
    Validation v = req.validation();
    JsonObject params = new JsonObject();
    String dataset = req.common(params);
    String modelId = req.string("model_id", false, Ids.SAFE, "a model id");
    String modelPath = req.string("model_path", false, JobRequest.SAFE_PATH, "a path of letters, digits, '_', '.', '/', '-'");
    params.put("model_id", null).put("model_path", null);
    execution.read(JobType.PREDICT, req, body, v, params);
    int priority = req.priority();
    String dependsOn = req.dependsOn();
    boolean hasId = body.getValue("model_id") != null;
    boolean hasPath = body.getValue("model_path") != null;
    if (hasId && hasPath) {
      v.add("model_id", "give model_id or model_path, not both");
    }
    return new Draft(JobType.PREDICT, v, params, priority, dependsOn, null, dataset,
        hasPath ? null : modelId, hasId ? null : modelPath, hasId, hasPath);
  }

  /**
   * The checks against what the draft names, as {@code found}: errors go to the draft's validation;
   * the plan is meaningful only when it has none.
   */
  private static Plan judge(Draft d, References.Found found) {
    Validation v = d.v();
    JsonObject params = d.params();
    if (d.modelId() != null) {
      String path = found.modelPath(d.modelId());
      if (path == null) {
        v.add("model_id", "unknown model");
      } else {
        params.put("model_id", d.modelId()).put("model_path", path);
      }
    } else if (d.modelPath() != null) {
      Optional<Path> file = found.modelFile(d.modelPath());
      if (file.isEmpty()) {
        v.add("model_path", "must name an existing file inside the artifacts directory");
      } else {
        params.put("model_path", file.get().toString());
      }
    }
    if (d.dataset() != null && !found.datasetExists(d.dataset())) {
      v.add("dataset_id", "unknown dataset '" + d.dataset() + "'");
    }
    JobRepository.Dependency dep = d.dependsOn() == null ? null : found.dependency(d.dependsOn());
    if (d.dependsOn() != null) {
      // The dependency must be a job the user may see, and its chain must end (no cycle, bounded depth).
      if (dep == null) {
        v.add("depends_on", "unknown job");
      } else if (dep.cycle()) {
        v.add("depends_on", "forms a dependency cycle");
      } else if (dep.chainLength() > MAX_DEPENDENCY_DEPTH) {
        v.add("depends_on", "dependency chain is deeper than " + MAX_DEPENDENCY_DEPTH);
      }
    }
    if (d.type() == JobType.PREDICT && !d.hasModelId() && !d.hasModelPath()
        && (dep == null || dep.type() != JobType.TRAIN)) {
      v.add("model_id", "is required (or model_path, or depends_on naming a train job)");
    }
    return new Plan(d.type(), params, d.priority(), d.dependsOn(), d.sweep());
  }

  /** Sweep axes: each a non-empty list of values valid for its field; at most MAX_SWEEP combinations. */
  private static Map<String, List<Object>> sweep(Validation v, Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof JsonObject obj) || obj.isEmpty()) {
      v.add("sweep", "must be an object of field -> list of values, e.g. {\"lr\": [0.001, 0.0001]}");
      return null;
    }
    Map<String, List<Object>> axes = new java.util.LinkedHashMap<>();
    long combinations = 1;
    for (String key : obj.fieldNames().stream().sorted().toList()) {
      Object values = obj.getValue(key);
      if (!SWEEPABLE.contains(key)) {
        v.add("sweep." + key, "cannot be swept; sweepable fields: " + String.join(", ", new java.util.TreeSet<>(SWEEPABLE)));
        continue;
      }
      if (!(values instanceof JsonArray arr) || arr.isEmpty() || arr.size() > MAX_SWEEP) {
        v.add("sweep." + key, "must be a list of 1 to " + MAX_SWEEP + " values");
        continue;
      }
      List<Object> ok = new ArrayList<>();
      for (Object value : arr) {
        JobRequest one = new JobRequest(new JsonObject().put(key, value), Set.of(key));
        Object checked = switch (key) {
          case "lr" -> one.positiveNumber(key, null, 100.0);
          case "use_drug_structure" -> one.bool(key, false);
          case "epochs" -> one.integer(key, true, null, 1, JobRequest.MAX_EPOCHS);
          default -> one.integer(key, true, null, 1, JobRequest.MAX_DIM);
        };
        if (!one.validation().ok() || checked == null) {
          v.add("sweep." + key, "value " + value + " is not valid for " + key);
        } else if (!ok.contains(checked)) {
          ok.add(checked);
        }
      }
      axes.put(key, ok);
      combinations *= Math.max(1, ok.size());
    }
    if (combinations > MAX_SWEEP) {
      v.add("sweep", combinations + " combinations; at most " + MAX_SWEEP + " are allowed");
    }
    return axes;
  }

  /** Writes the plan's job(s): one job, or a sweep parent with one shard per combination. */
  public Future<Job> create(User user, Plan p) {
    List<JobLedger.NewJob> batch = new ArrayList<>();
    if (p.sweep() == null) {
      batch.add(newJob(user, p.type(), p.params(), p.priority(), p.dependsOn(), null));
    } else {
      JsonObject parentParams = p.params().copy().put("sweep", p.asBody().getJsonObject("sweep"));
      JobLedger.NewJob parent = newJob(user, JobType.SWEEP, parentParams, p.priority(), p.dependsOn(), null);
      batch.add(parent);
      for (JsonObject combo : combinations(p.sweep())) {
        batch.add(newJob(user, p.type(), p.params().copy().mergeIn(combo), p.priority(), p.dependsOn(), parent.jobId()));
      }
    }
    return insert(batch).map(created -> created.get(0));
  }

  /**
   * Queues the jobs in one transaction. Their directories are not made here: the launcher makes a
   * job's directory just before its program starts, and every reader takes a missing directory as an
   * empty one. Making them here cost a worker hop per submission and, for batches, serialized on the
   * parent directory's lock (1,000 directories took 30-150 ms, longer than the insert).
   */
  private Future<List<Job>> insert(List<JobLedger.NewJob> batch) {
    long adding = batch.stream().filter(j -> j.type() != JobType.SWEEP).count();
    long owner = batch.get(0).owner();
    // A bound, not an exact quota: concurrent submissions may each pass the check and end a little over.
    return storage.ready().compose(room -> jobs.queuedCount(owner)).compose(queued -> queued + adding > maxQueuedPerUser
        ? Future.failedFuture(new DomainException(DomainException.Kind.RATE_LIMITED, "You have " + queued
            + " queued jobs; at most " + maxQueuedPerUser + " may wait at once (limits.max_queued_per_user)"))
        : ledger.queue(batch));
  }

  /** A new job with the same type, params and priority (not depends_on), owned by the caller. */
  public Future<Job> rerun(User user, Job job) {
    JobType type = job.type();
    JsonObject params = job.paramsOrEmpty().copy();
    if (type == JobType.SWEEP) {
      JsonObject sweepAxes = (JsonObject) params.remove("sweep");
      return submit(user, JobType.TRAIN, clean(params).put("sweep", sweepAxes).put("priority", job.priority()));
    }
    if (!type.isLocalProgram()) {
      return Future.failedFuture(DomainException.refused("Jobs of type " + type + " cannot be rerun here; submit them again"));
    }
    if (type == JobType.PREDICT && params.getString("model_id") != null) {
      params.remove("model_path"); // the model by id, re-resolved (and re-checked) now
    }
    return submit(user, type, clean(params).put("priority", job.priority()));
  }

  private static JsonObject clean(JsonObject params) {
    params.fieldNames().removeIf(k -> params.getValue(k) == null);
    return params;
  }

  private JobLedger.NewJob newJob(User user, JobType type, JsonObject params, int priority, String dependsOn,
                                  String parent) {
    String id = Ids.job();
    return new JobLedger.NewJob(id, type, user.id(), params, priority, dependsOn, parent,
        paths.logFile(id).toString(), paths.jobDir(id).toString());
  }

  static List<JsonObject> combinations(Map<String, List<Object>> axes) {
    List<JsonObject> out = new ArrayList<>();
    out.add(new JsonObject());
    for (Map.Entry<String, List<Object>> axis : axes.entrySet()) {
      List<JsonObject> next = new ArrayList<>();
      for (JsonObject partial : out) {
        for (Object value : axis.getValue()) {
          next.add(partial.copy().put(axis.getKey(), value));
        }
      }
      out = next;
    }
    return out;
  }
}
