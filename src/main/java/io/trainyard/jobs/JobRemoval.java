package io.trainyard.jobs;

import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/** Deleting finished jobs: the record with its model and result, a sweep's shards, and the artifacts. */
final class JobRemoval {
  private final Vertx vertx;
  private final JobRepository jobs;
  private final JobPaths paths;
  private final JobControl control;
  private final String nodeId;

  JobRemoval(Vertx vertx, JobRepository jobs, JobPaths paths, JobControl control, String nodeId) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.paths = paths;
    this.control = control;
    this.nodeId = nodeId;
  }

  /** Deletes a finished job (a sweep with its shards): {deleted, removed_models, removed_results}. */
  Future<JsonObject> delete(Job job, boolean purge) {
    Future<JsonObject> shardsGone = !job.isSweep()
        ? Future.succeededFuture(counts())
        : removeShards(job.id(), purge);
    return shardsGone.compose(extra -> remove(job, purge, false).compose(r -> r
        .map(res -> Future.succeededFuture(add(res, extra).put("deleted", true)))
        .orElseGet(() -> Future.failedFuture(DomainException.refused("Job is still active; cancel it first")))));
  }

  private Future<JsonObject> removeShards(String parentId, boolean purge) {
    JsonObject total = counts();
    return jobs.shards(parentId).compose(shards -> {
      Future<Void> chain = Future.succeededFuture();
      for (Job shard : shards) {
        chain = chain.compose(x -> remove(shard, purge, false).map(r -> {
          r.ifPresent(res -> add(total, res));
          return null;
        }));
      }
      return chain.map(total);
    });
  }

  /** Deletes one record (and its artifacts with {@code purge}); empty if it was active and that is not allowed. */
  Future<Optional<JsonObject>> remove(Job job, boolean purge, boolean allowActive) {
    return jobs.deleteInactive(job.id(), allowActive).compose(r -> {
      if (r.isEmpty() || !purge) {
        return Future.succeededFuture(r);
      }
      return purgeFiles(job).map(x -> r);
    });
  }

  /**
   * A job's files are on the disk of the node that ran it, so that node removes them; this node
   * removes whatever it holds itself (its own jobs, or a disk the nodes share).
   */
  private Future<Void> purgeFiles(Job job) {
    Future<Boolean> here = vertx.executeBlocking(() -> paths.purge(job.artifactsDir()), false);
    if (job.nodeId() == null || job.nodeId().equals(nodeId)) {
      return here.mapEmpty();
    }
    return here.compose(x -> control.purge(job)).mapEmpty();
  }

  private static JsonObject counts() {
    return new JsonObject().put("removed_models", 0).put("removed_results", 0);
  }

  private static JsonObject add(JsonObject into, JsonObject more) {
    return into.put("removed_models", into.getInteger("removed_models") + more.getInteger("removed_models"))
        .put("removed_results", into.getInteger("removed_results") + more.getInteger("removed_results"));
  }
}
