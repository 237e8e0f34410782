package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What users do with jobs: submission, visibility, cancel, delete and flush. Status changes are asked
 * of the {@link JobLedger}; process and cloud work of whoever runs the job, through {@link JobControl}.
 */
public final class JobService {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(JobService.class.getName());
  private final JobRepository jobs;
  private final JobLedger ledger;
  private final Submissions submissions;
  private final JobRemoval removal;
  private final JobControl control;
  private final String nodeId;

  public JobService(Vertx vertx, JobRepository jobs, JobLedger ledger, Submissions submissions, JobPaths paths,
                    JobControl control, String nodeId) {
    this.jobs = jobs;
    this.control = control;
    this.ledger = ledger;
    this.submissions = submissions;
    this.removal = new JobRemoval(vertx, jobs, paths, control, nodeId);
    this.nodeId = nodeId;
  }

  public JobRepository repository() {
    return jobs;
  }

  /** Visibility: null (any owner) for admins, else the caller's id. */
  public static Long scope(User user) {
    return user.isAdmin() ? null : user.id();
  }

  public Future<Job> submit(User user, JobType type, JsonObject body) {
    return submissions.submit(user, type, body);
  }

  /** A batch of train/predict submissions: all created in one transaction, or none. */
  public Future<List<Job>> submitBatch(User user, JsonObject body) {
    return submissions.submitBatch(user, body);
  }

  public Submissions submissions() {
    return submissions;
  }

  /** Rerun: a new job (or whole sweep) like this one, owned by the caller. */
  public Future<Job> rerun(User user, String jobId) {
    return visible(user, jobId).compose(job -> submissions.rerun(user, job));
  }

  /** {job_id, shard_count, shards}; a job that is not a sweep has none. */
  public Future<JsonObject> shards(User user, String jobId) {
    return visible(user, jobId).compose(job -> (!job.isSweep()
        ? Future.succeededFuture(List.<Job>of()) : jobs.shards(jobId))
        .map(list -> new JsonObject().put("job_id", jobId).put("shard_count", list.size())
            .put("shards", new JsonArray(list.stream().map(Job::toJson).toList()))));
  }

  /** The job, if the user may see it; a running job whose process is gone is settled first. */
  public Future<Job> get(User user, String jobId) {
    return visible(user, jobId).compose(this::settleIfStale);
  }

  /** A job the user may see, or not found exactly as if it did not exist. */
  public Future<Job> visible(User user, String jobId) {
    if (!Ids.plausible(jobId)) {
      return Future.failedFuture(DomainException.notFound("Job not found"));
    }
    return jobs.find(jobId, scope(user)).compose(j -> j.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(DomainException.notFound("Job not found"))));
  }

  /** Asks the job's node whether a running job still has its process; answers the current record. */
  public Future<Job> settleIfStale(Job job) {
    if (job.status() != JobStatus.RUNNING || !job.hasProcess()) { // a sweep parent has no process; its shards do
      return Future.succeededFuture(job);
    }
    return control.settle(job)
        .compose(x -> jobs.find(job.id(), null))
        .map(j -> j.orElse(job));
  }

  public Future<Job> cancel(User user, String jobId) {
    return visible(user, jobId).compose(job -> {
      if (job.status().isTerminal()) {
        return Future.failedFuture(DomainException.refused("Job is already finished: " + job.status()));
      }
      if (!job.isLocal()) {
        return cancelCloud(jobId);
      }
      if (job.isSweep()) {
        return cancelSweep(user, job);
      }
      if (job.status() == JobStatus.QUEUED) {
        return ledger.cancelQueued(jobId).compose(c -> c.map(Future::succeededFuture)
            .orElseGet(() -> cancel(user, jobId))); // it started meanwhile: cancel it as a running job
      }
      return ledger.requestCancel(jobId).compose(flagged -> {
        if (flagged.isEmpty()) {
          return cancel(user, jobId); // finished meanwhile: answer with its final state
        }
        Job running = flagged.get();
        return control.cancel(running)
            .compose(x -> jobs.find(jobId, null)).map(j -> j.orElse(running));
      });
    });
  }

  /** Cloud jobs are canceled at their provider by the providers verticle, the one owner of cloud work. */
  private Future<Job> cancelCloud(String jobId) {
    return control.cancelCloud(jobId)
        .compose(m -> jobs.find(jobId, null))
        .compose(j -> j.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound("Job not found"))));
  }

  /** The parent is flagged first, so that once its shards have ended its status is derived as canceled. */
  private Future<Job> cancelSweep(User user, Job parent) {
    return ledger.flagCancel(parent.id()).compose(v -> jobs.shards(parent.id())).compose(shards -> {
      Future<Void> chain = Future.succeededFuture();
      for (Job shard : shards) {
        if (shard.status().isActive()) {
          chain = chain.compose(x -> cancel(user, shard.id()).<Void>mapEmpty()
              .recover(err -> Future.succeededFuture())); // a shard that finished meanwhile
        }
      }
      return chain;
    }).compose(v -> jobs.find(parent.id(), null)).map(j -> j.orElse(parent));
  }

  public Future<JsonObject> delete(User user, String jobId, boolean purge) {
    return visible(user, jobId).compose(this::settleIfStale).compose(job -> {
      if (job.status().isActive()) {
        return Future.failedFuture(DomainException.refused("Job is still active (" + job.status() + "); cancel it first"));
      }
      return removal.delete(job, purge);
    });
  }

  /**
   * Deletes the caller's active jobs (scope=active) or all their jobs (scope=all). Live processes
   * are killed first when {@code force}, else listed in skipped_running_jobs and kept. A cloud job its
   * provider would not cancel is kept as it was and listed there too. Every job the answer does not
   * count as deleted is left exactly as it was, also when the flush fails half-way.
   */
  public Future<JsonObject> flush(User user, String scope, boolean purge, boolean force) {
    boolean all = "all".equals(scope);
    // Killing running jobs frees slots while the flush goes on; holding the queued ones first keeps the
    // scheduler from starting a job this flush then deletes (claims skip cancel_requested jobs). The
    // hold is released on every way out, for the held jobs that were not deleted.
    return ledger.holdQueued(scope(user)).compose(held -> jobs.forFlush(scope(user), all).compose(list -> {
      JsonObject out = new JsonObject().put("scope", all ? "all" : "active").put("deleted_jobs", 0)
          .put("removed_models", 0).put("removed_results", 0).put("skipped_running_jobs", new JsonArray());
      Future<Void> chain = Future.succeededFuture();
      for (Job job : list) {
        chain = chain.compose(x -> flushOne(job, purge, force, out));
      }
      return chain.map(out);
    }).transform(done -> ledger.releaseHeld(held).<JsonObject>transform(released -> {
      if (released.failed()) {
        LOG.log(java.util.logging.Level.WARNING, "releasing the queued jobs a flush held failed", released.cause());
      }
      // Killed jobs were deleted rather than finished, so no transition woke the scheduler for their slots.
      ledger.slotsFreed();
      return done.succeeded() ? Future.succeededFuture(done.result()) : Future.failedFuture(done.cause());
    })));
  }

  private Future<Void> flushOne(Job job, boolean purge, boolean force, JsonObject out) {
    JsonArray skipped = out.getJsonArray("skipped_running_jobs");
    Future<Boolean> stopped = Future.succeededFuture(true);
    if (job.status().isActive() && !job.isLocal()) {
      // A cloud job is canceled at its provider first, so it does not keep running (and billing) there.
      stopped = force ? cancelCloud(job.id()).map(true).recover(err -> {
        // The provider would not cancel it (or could not be reached): the job stays as it was, listed.
        LOG.warning("flush keeps cloud job " + job.id() + ": its provider did not cancel it (" + err.getMessage() + ")");
        skipped.add(job.id());
        return Future.succeededFuture(false);
      }) : Future.succeededFuture(false).onSuccess(x -> skipped.add(job.id()));
    } else if (job.status() == JobStatus.RUNNING && !job.isSweep()) {
      stopped = settleIfStale(job).compose(j -> {
        if (j.status() != JobStatus.RUNNING) {
          return Future.succeededFuture(true);
        }
        if (!force) {
          skipped.add(j.id());
          return Future.succeededFuture(false);
        }
        return control.kill(j).map(reached -> {
          if (!reached) {
            skipped.add(j.id()); // its node is not reachable from here
          }
          return reached;
        });
      });
    }
    return stopped.compose(go -> !go ? Future.succeededFuture() : removal.remove(job, purge, true).map(r -> {
      r.ifPresent(res -> out.put("deleted_jobs", out.getInteger("deleted_jobs") + 1)
          .put("removed_models", out.getInteger("removed_models") + res.getInteger("removed_models"))
          .put("removed_results", out.getInteger("removed_results") + res.getInteger("removed_results")));
      return null;
    }));
  }

  public String nodeId() {
    return nodeId;
  }
}
