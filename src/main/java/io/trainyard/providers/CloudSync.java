package io.trainyard.providers;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Ids;
import io.trainyard.jobs.JobFilter;
import io.trainyard.jobs.JobType;
import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The cloud job list (optionally refreshed first) and discovery of the account's jobs. */
final class CloudSync {
  private static final Logger LOG = Logger.getLogger(CloudSync.class.getName());
  /** How many provider jobs sync looks at: the newest of trainings and predictions together. */
  static final int SYNC_LIMIT = 100;

  private final CloudJobs cloud;
  private final Vertx vertx;
  private final Map<String, Provider> providers;
  private final CloudJobRepository repo;
  private final JobRepository jobs;
  private final JobPaths paths;
  private final CloudRefresh refresh;

  CloudSync(CloudJobs cloud) {
    this.cloud = cloud;
    this.vertx = cloud.vertx();
    this.providers = cloud.providers();
    this.repo = cloud.repository();
    this.jobs = cloud.jobs();
    this.paths = cloud.paths();
    this.refresh = new CloudRefresh(cloud);
  }

  /** {@code GET /api/cloud/jobs}: the caller's cloud jobs, refreshed first with {@code sync_active=true}. */
  Future<JsonObject> list(User user, MultiMap query, boolean syncActive) {
    JobFilter parsed = JobFilter.parse(query, JobService.scope(user));
    JobFilter filter = new JobFilter(parsed.statuses(), JobType.CLOUD.wire(), parsed.provider(), parsed.owner(), parsed.archived(),
        parsed.limit(), parsed.offset());
    Future<String> refreshed = Future.succeededFuture(null);
    if (syncActive) {
      List<String> names = parsed.provider() == null ? List.copyOf(providers.keySet())
          : providers.containsKey(parsed.provider()) ? List.of(parsed.provider()) : List.of();
      Future<List<String>> errors = Future.succeededFuture(new ArrayList<>());
      for (String name : names) {
        errors = errors.compose(list -> refresh.activeJobs(name, JobService.scope(user), new CloudRefresh.Stats()).map(s -> {
          if (s.stoppedBy != null) {
            list.add(s.stoppedBy.toDomain().getMessage());
          }
          return list;
        }));
      }
      refreshed = errors.map(list -> list.isEmpty() ? null : String.join("; ", list))
          .recover(err -> {
            LOG.log(Level.WARNING, "sync_active failed", err);
            return Future.succeededFuture("refresh failed: " + err.getMessage());
          });
    }
    return refreshed.compose(syncError -> jobs.list(filter).map(page -> {
      JsonObject out = new JsonObject().put("jobs", page.getJsonArray("items")).put("total", page.getLong("total"))
          .put("limit", page.getInteger("limit")).put("offset", page.getLong("offset"));
      if (syncActive) {
        out.put("sync_error", syncError);
      }
      return out;
    }));
  }

  /**
   * {@code POST /api/cloud/jobs/sync}: the newest {@value #SYNC_LIMIT} provider jobs (trainings and
   * predictions together). New ones (no local job has the external id) become the caller's jobs;
   * known ones are refreshed.
   */
  Future<JsonObject> sync(User user, String providerName) {
    Provider provider = providers.get(providerName);
    if (provider == null) {
      return Future.failedFuture(DomainException.invalid("provider", "unknown provider; one of "
          + String.join(", ", providers.keySet())));
    }
    if (!provider.configured()) {
      return Future.failedFuture(CloudJobs.notConfigured(provider));
    }
    Future<Provider.Page> trainings = provider.list("training", null);
    Future<Provider.Page> predictions = provider.list("prediction", null);
    return Future.all(trainings, predictions)
        .recover(err -> {
          Throwable cause = trainings.failed() ? trainings.cause() : predictions.cause();
          return Future.failedFuture(cause instanceof ProviderException pe ? pe.toDomain() : cause);
        })
        .compose(x -> {
          List<ProviderJob> all = new ArrayList<>(trainings.result().items());
          all.addAll(predictions.result().items());
          List<ProviderJob> newest = all.stream()
              .filter(j -> j.externalId() != null && CloudJobs.EXTERNAL_ID.matcher(j.externalId()).matches())
              .sorted(Comparator.comparing(ProviderJob::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
              .limit(SYNC_LIMIT).toList();
          Future<java.util.Set<String>> knownIds = repo.knownExternalIds(provider.name(),
              newest.stream().map(ProviderJob::externalId).toList());
          Future<List<JsonObject>> waiting = repo.unacknowledgedParams(provider.name());
          return Future.all(knownIds, waiting)
              .compose(lookups -> {
                java.util.Set<String> known = knownIds.result();
                AtomicInteger synced = new AtomicInteger();
                AtomicInteger updated = new AtomicInteger();
                // A new provider job that looks like a submission still waiting for its acknowledgement is
                // that submission's job: importing it would hand another user's job to the caller. It is
                // left for the submission (or, if that fails, for a later sync).
                List<ProviderJob> candidates = newest.stream()
                    .filter(j -> known.contains(j.externalId()) || !awaitedBySubmission(j, waiting.result())).toList();
                return Bounded.forEach(candidates, 4, () -> false, obj -> known.contains(obj.externalId())
                        ? refreshKnown(provider, obj).map(changed -> {
                          if (changed) {
                            updated.incrementAndGet();
                          }
                          return null;
                        })
                        : importJob(user, provider, obj).map(inserted -> {
                          if (inserted) {
                            synced.incrementAndGet();
                          }
                          return null;
                        }))
                    .map(y -> new JsonObject().put("synced", synced.get()).put("updated", updated.get())
                        .put("message", "Discovered " + synced.get() + " new jobs from " + Providers.label(provider.name())));
              });
        });
  }

  /** Same kind and same version id (the part after ':') as an unacknowledged submission. */
  static boolean awaitedBySubmission(ProviderJob job, List<JsonObject> inFlight) {
    String version = versionId(job.version());
    return inFlight.stream().anyMatch(p -> java.util.Objects.equals(p.getString("kind"), job.kind())
        && version != null && version.equals(versionId(p.getString("version"))));
  }

  private static String versionId(String version) {
    return version == null ? null : version.substring(version.lastIndexOf(':') + 1);
  }

  private Future<Boolean> refreshKnown(Provider provider, ProviderJob obj) {
    return repo.jobIdByExternal(provider.name(), obj.externalId())
        .compose(id -> id.isEmpty() ? Future.succeededFuture(false) : cloud.apply(id.get(), provider, obj));
  }

  private Future<Boolean> importJob(User user, Provider provider, ProviderJob listed) {
    String jobId = Ids.job();
    Path dir = paths.jobDir(jobId);
    JsonObject params = new JsonObject().put("version", listed.version()).put("input", listed.input())
        .put("kind", listed.kind()).put("destination", listed.destination());
    // A list entry may leave out the logs; then the job's own object is fetched once (best effort).
    Future<ProviderJob> full = listed.logs() != null ? Future.succeededFuture(listed)
        : provider.get(listed.kind(), listed.externalId()).otherwise(listed);
    return vertx.executeBlocking(() -> Files.createDirectories(dir), false)
        .compose(d -> cloud.ledger().discovered(jobId, provider.name(), user.id(), params, listed.externalId(),
            listed.createdAt(), paths.logFile(jobId).toString(), dir.toString()))
        .compose(inserted -> {
          if (!inserted) {
            return vertx.executeBlocking(() -> paths.purge(dir.toString()), false).map(false);
          }
          // The ledger announced the discovery; the provider's object may move it on.
          return full.compose(obj -> cloud.apply(jobId, provider, obj)).map(true);
        });
  }
}
