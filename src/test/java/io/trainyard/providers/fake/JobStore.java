package io.trainyard.providers.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fake's jobs: ids, Replicate-shaped objects, status transitions (with {@code started_at},
 * {@code completed_at} and metrics following as Replicate fills them) and the webhook each change sends.
 *
 * <p>Every method synchronizes on this store: HTTP handlers, autopilot timers and test threads all call
 * in. A caller that must check and then change a job atomically holds the store's monitor around both
 * (see {@link Autopilot}). Objects handed out are copies.
 */
final class JobStore {
  /** One page of a list, newest first; the next page starts below {@code lastSeq}. */
  record Page(List<JsonObject> results, long lastSeq, boolean more) {
  }

  private final Supplier<String> baseUrl;
  private final WebhookSender webhooks;
  private final Map<String, Job> jobs = new HashMap<>();
  private long seq;

  /** {@code baseUrl} is read per job: the port is only known once the server listens. */
  JobStore(Supplier<String> baseUrl, WebhookSender webhooks) {
    this.baseUrl = baseUrl;
    this.webhooks = webhooks;
  }

  /** A new {@code starting} job; {@code source} is {@code api} or {@code web} (made outside Trainyard). */
  synchronized JsonObject create(String kind, String model, String version, JsonObject input, String source,
                                 String destination, String webhook, JsonArray filter) {
    String id = Job.newId();
    String self = baseUrl.get() + "/v1/" + (kind.equals("training") ? "trainings/" : "predictions/") + id;
    JsonObject obj = new JsonObject().put("id", id).put("model", model).put("version", version).put("input", input)
        .put("output", null).put("logs", "").put("error", null).put("status", "starting").put("source", source)
        .put("created_at", Instant.now().toString()).put("started_at", null).put("completed_at", null)
        .put("urls", new JsonObject().put("get", self).put("cancel", self + "/cancel"))
        .put("metrics", new JsonObject());
    if (destination != null) {
      obj.put("destination", destination);
    }
    Job job = new Job(++seq, kind, obj, webhook, filter);
    jobs.put(id, job);
    webhooks.deliver(job, "start");
    return obj.copy();
  }

  /** See {@link FakeReplicate#update}; unknown ids are an {@link IllegalArgumentException}. */
  synchronized JsonObject update(String id, String status, String appendLogs, String setLogs, Object error,
                                 Double predictTime, Object output) {
    Job job = require(id);
    JsonObject o = job.obj;
    String event = null;
    if (setLogs != null) {
      o.put("logs", setLogs);
      event = "logs";
    }
    if (appendLogs != null) {
      o.put("logs", o.getString("logs", "") + appendLogs);
      event = "logs";
    }
    if (error != null) {
      o.put("error", error);
    }
    if (predictTime != null) {
      o.getJsonObject("metrics").put("predict_time", predictTime);
    }
    if (output != null) {
      o.put("output", output);
    }
    if (status != null && !status.equals(o.getString("status"))) {
      o.put("status", status);
      String now = Instant.now().toString();
      if (!status.equals("starting") && o.getString("started_at") == null) {
        o.put("started_at", now);
      }
      if (job.terminal()) {
        o.put("completed_at", now);
        o.getJsonObject("metrics").put("total_time", o.getJsonObject("metrics").getDouble("predict_time", 0.0));
        event = "completed";
      } else if (event == null) {
        event = "logs"; // Replicate has no status-only event; a move to processing arrives as logs
      }
    }
    if (event != null) {
      webhooks.deliver(job, event);
    }
    return o.copy();
  }

  /** Cancels unless already finished; null when there is no such job of {@code kind} (null: any kind). */
  synchronized JsonObject cancel(String kind, String id) {
    Job job = jobs.get(id);
    if (job == null || (kind != null && !job.kind.equals(kind))) {
      return null;
    }
    return job.terminal() ? job.obj.copy() : update(id, "canceled", null, null, null, null, null);
  }

  /** Jobs made outside Trainyard, oldest first, moved to {@code status} with a log line and a bill. */
  synchronized List<String> seed(String kind, int count, String status) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = create(kind, "outside/model", "v" + (seq + 1), new JsonObject().put("n", i), "web",
          kind.equals("training") ? "outside/trained" : null, null, null).getString("id");
      ids.add(id);
      if (!"starting".equals(status)) {
        update(id, status, "outside job " + i + "\n", null, null, 1.5, null);
      }
    }
    return ids;
  }

  /** The job if it exists and is of {@code kind}, else null. */
  synchronized JsonObject find(String kind, String id) {
    Job job = jobs.get(id);
    return job == null || !job.kind.equals(kind) ? null : job.obj.copy();
  }

  /** The job unless it is gone or finished: what the autopilot may still move. */
  synchronized JsonObject active(String id) {
    Job job = jobs.get(id);
    return job == null || job.terminal() ? null : job.obj.copy();
  }

  synchronized JsonObject submissionWebhook(String id) {
    Job job = require(id);
    return new JsonObject().put("webhook", job.webhook).put("webhook_events_filter", job.filter);
  }

  /** Up to {@code size} jobs of {@code kind} created before {@code beforeSeq}, newest first. */
  synchronized Page page(String kind, long beforeSeq, int size) {
    List<Job> matching = jobs.values().stream().filter(j -> j.kind.equals(kind) && j.seq < beforeSeq)
        .sorted(Comparator.comparingLong((Job j) -> j.seq).reversed()).toList();
    List<Job> page = matching.subList(0, Math.min(size, matching.size()));
    return new Page(page.stream().map(j -> j.obj.copy()).toList(),
        page.isEmpty() ? 0 : page.get(page.size() - 1).seq, matching.size() > size);
  }

  /** Every job of both kinds, newest first, as {@code {results}}. */
  synchronized JsonObject all() {
    JsonArray out = new JsonArray();
    jobs.values().stream().sorted(Comparator.comparingLong((Job j) -> j.seq).reversed()).forEach(j -> out.add(j.obj.copy()));
    return new JsonObject().put("results", out);
  }

  /** Forgets the jobs; the sequence goes on so cursors from before never match new jobs by accident. */
  synchronized void clear() {
    jobs.clear();
  }

  private Job require(String id) {
    Job job = jobs.get(id);
    if (job == null) {
      throw new IllegalArgumentException("no job " + id);
    }
    return job;
  }
}
