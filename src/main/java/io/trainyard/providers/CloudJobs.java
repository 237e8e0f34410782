package io.trainyard.providers;

import io.trainyard.app.AppConfig;
import io.trainyard.auth.User;
import io.trainyard.http.ApiException;
import io.trainyard.jobs.Ids;
import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Cloud jobs: the one place provider objects are applied to jobs (submission, polls, webhooks, sync and
 * cancel all go through {@link #apply}), refreshing active jobs, cancel, inline progress and token
 * validation; submission, listing/sync and webhooks live in {@link CloudSubmissions}, {@link CloudSync}
 * and {@link CloudWebhooks}. Status changes are written first and published after, on the same
 * addresses as local jobs.
 */
public final class CloudJobs {
  private static final Logger LOG = Logger.getLogger(CloudJobs.class.getName());
  /** What a provider job id must look like before it goes into a URL or the database. */
  static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  /**
   * A submission still pending after this long was never acknowledged (the node stopped between the
   * provider's answer and our write; provider calls time out after seconds). Sync can still import it.
   */
  static final long PENDING_TIMEOUT_SECONDS = 15 * 60;

  private final Vertx vertx;
  private final Map<String, Provider> providers;
  private final CloudJobRepository repo;
  private final JobRepository jobs;
  private final JobPaths paths;
  private final long graceSeconds;
  private final int concurrency;
  private final Object logWrites = new Object();
  private final CloudSubmissions submissions;
  private final CloudSync sync;
  private final CloudWebhooks webhooks;

  CloudJobs(Vertx vertx, Map<String, Provider> providers, JobRepository jobs, JobPaths paths, long graceSeconds,
            int concurrency) {
    this.vertx = vertx;
    this.providers = providers;
    this.repo = new CloudJobRepository(jobs.pool(), jobs);
    this.jobs = jobs;
    this.paths = paths;
    this.graceSeconds = graceSeconds;
    this.concurrency = concurrency;
    this.submissions = new CloudSubmissions(this);
    this.sync = new CloudSync(this);
    this.webhooks = new CloudWebhooks(this);
  }

  /**
   * The service from the whole config: {@code providers.replicate.*} and
   * {@code background.job_status_polling.{unknown_grace_seconds, concurrency}}.
   */
  public static CloudJobs create(Vertx vertx, JsonObject conf, JobRepository jobs, JobPaths paths) {
    JsonObject polling = AppConfig.section(conf, "background.job_status_polling");
    Map<String, Provider> providers = new LinkedHashMap<>();
    providers.put(ReplicateProvider.NAME, new ReplicateProvider(vertx, AppConfig.section(conf, "providers.replicate")));
    return new CloudJobs(vertx, providers, jobs, paths, polling.getLong("unknown_grace_seconds", 600L),
        polling.getInteger("concurrency", 8));
  }

  public Map<String, Provider> providers() {
    return providers;
  }

  CloudJobRepository repository() {
    return repo;
  }

  Vertx vertx() {
    return vertx;
  }

  JobRepository jobs() {
    return jobs;
  }

  JobPaths paths() {
    return paths;
  }

  // ------------------------------------------------------------------ the routes' entry points

  /** {@code POST /api/cloud/jobs}: validates, records a pending job, submits, answers the acknowledged job. */
  public Future<JsonObject> submit(User user, JsonObject body) {
    return submissions.submit(user, body);
  }

  /** {@code GET /api/cloud/jobs}: the caller's cloud jobs, refreshed first with {@code sync_active=true}. */
  public Future<JsonObject> list(User user, MultiMap query, boolean syncActive) {
    return sync.list(user, query, syncActive);
  }

  /** {@code POST /api/cloud/jobs/sync}: imports the account's newest jobs. */
  public Future<JsonObject> sync(User user, String providerName) {
    return sync.sync(user, providerName);
  }

  /** {@code POST /api/webhooks/{provider}}: a signed provider delivery. */
  public Future<JsonObject> webhook(String providerName, MultiMap headers, Buffer body) {
    return webhooks.webhook(providerName, headers, body);
  }

  // ------------------------------------------------------------------ apply

  /**
   * Applies a provider object to a job: monotonic status, logs (written to the job's log file),
   * progress, cost. Publishes what changed after it is committed. Answers whether anything changed.
   */
  Future<Boolean> apply(String jobId, Provider provider, ProviderJob obj) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    String mapped = provider.mapStatus(obj.status());
    return repo.apply(jobId, cur -> CloudTransition.decide(cur, obj, mapped, provider.pricePerSecond(cur.hardware()),
            now, graceSeconds), u -> writeLogFirst(jobId, u))
        .compose(update -> update.isEmpty() ? Future.succeededFuture(false) : published(jobId, update.get()).map(true));
  }

  /** The provider's log text goes to the job's log file before the row that points readers at it. */
  private Future<Void> writeLogFirst(String jobId, CloudTransition.Update u) {
    if (!u.logsChanged()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> writeLog(jobId, u.logs()), false)
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.log(Level.WARNING, "could not write the provider log of " + jobId, err);
          return Future.succeededFuture();
        });
  }

  /** Applies "the provider no longer has this job" like an unknown status (kept in error; fails after the grace). */
  private Future<Boolean> applyMissing(String jobId, Provider provider, CloudJobRepository.Ref ref) {
    ProviderJob missing = new ProviderJob(ref.externalId(), ref.kind(), "not found at provider", null, null, null,
        null, null, null, null, null, null);
    return apply(jobId, provider, missing);
  }

  private Future<Void> published(String jobId, CloudTransition.Update u) {
    return repo.find(jobId).map(found -> {
      found.ifPresent(job -> {
        long owner = job.getLong("owner_user_id");
        if (u.logsChanged()) {
          byte[] all = u.logs().getBytes(StandardCharsets.UTF_8);
          long from = u.oldLogBytes() <= all.length ? u.oldLogBytes() : 0;
          vertx.eventBus().publish(JobEvents.LOG_PREFIX + jobId, new JsonObject().put("type", "job_log")
              .put("job_id", jobId).put("offset", from)
              .put("text", new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8)));
        }
        if (u.progressChanged() && !u.statusChanged()) {
          JobEvents.progress(vertx.eventBus(), owner, new JsonObject().put("type", "job_progress").put("job_id", jobId)
              .put("stage", job.getString("stage")).put("progress", job.getDouble("progress"))
              .put("eta_seconds", job.getLong("eta_seconds")).put("last_log", job.getString("last_log")));
        }
        if (u.statusChanged()) {
          JobEvents.statusChanged(vertx.eventBus(), job);
        }
      });
      return null;
    });
  }

  /**
   * Replaces the job's log with the provider's whole log text (atomically, so a reader never sees half a
   * file). Writes on this node are serialized and never replace a longer file, so two applies that
   * finish out of order cannot leave the older text behind.
   */
  private Void writeLog(String jobId, String logs) throws java.io.IOException {
    Path file = paths.logFile(jobId);
    byte[] bytes = logs.getBytes(StandardCharsets.UTF_8);
    synchronized (logWrites) {
      Files.createDirectories(file.getParent());
      if (Files.exists(file) && Files.size(file) > bytes.length) {
        return null;
      }
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return null;
  }

  // ------------------------------------------------------------------ refresh (poller, sync_active)

  /** Counters of one refresh pass. */
  public static final class Stats {
    public final AtomicInteger checked = new AtomicInteger();
    public final AtomicInteger changed = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger jobErrors = new AtomicInteger();
    /** The provider-wide failure that stopped the pass (rate limit, outage, credentials), or null. */
    public volatile ProviderException stoppedBy;

    public JsonObject toJson() {
      return new JsonObject().put("jobs_checked", checked.get()).put("changed", changed.get())
          .put("requests", requests.get()).put("job_errors", jobErrors.get())
          .put("error", stoppedBy == null ? null : stoppedBy.toApi().getMessage());
    }
  }

  /**
   * Refreshes every active cloud job of a provider ({@code owner} null = every user), page by page
   * with at most {@code concurrency} provider calls in flight. A provider-wide failure stops the pass
   * (no new calls are started) and is left in {@link Stats#stoppedBy}; jobs are never failed for it.
   */
  public Future<Stats> refreshActive(String providerName, Long owner, Stats stats) {
    Provider provider = providers.get(providerName);
    if (provider == null) {
      return Future.succeededFuture(stats);
    }
    if (!provider.configured()) {
      // Only trouble if there is something to refresh.
      return repo.activePage(providerName, owner, "", 1).map(page -> {
        if (!page.isEmpty()) {
          stats.stoppedBy = notConfiguredError(provider);
        }
        return stats;
      });
    }
    return refreshPage(provider, owner, "", stats).map(stats);
  }

  private Future<Void> refreshPage(Provider provider, Long owner, String after, Stats stats) {
    int pageSize = 200;
    return repo.activePage(provider.name(), owner, after, pageSize).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      return Bounded.forEach(page, concurrency, () -> stats.stoppedBy != null, ref -> refreshOne(provider, ref, stats))
          .compose(x -> stats.stoppedBy != null || page.size() < pageSize ? Future.succeededFuture()
              : refreshPage(provider, owner, page.get(page.size() - 1).jobId(), stats));
    });
  }

  private Future<Void> refreshOne(Provider provider, CloudJobRepository.Ref ref, Stats stats) {
    stats.requests.incrementAndGet();
    return provider.get(ref.kind(), ref.externalId()).transform(ar -> {
      stats.checked.incrementAndGet();
      if (ar.succeeded()) {
        return apply(ref.jobId(), provider, ar.result());
      }
      if (ar.cause() instanceof ProviderException pe && pe.notFound()) {
        return applyMissing(ref.jobId(), provider, ref);
      }
      if (ar.cause() instanceof ProviderException pe && pe.providerWide()) {
        if (stats.stoppedBy == null) {
          stats.stoppedBy = pe;
        }
        return Future.succeededFuture(false);
      }
      stats.jobErrors.incrementAndGet();
      LOG.log(Level.FINE, "refreshing " + ref.jobId() + " failed", ar.cause());
      return Future.succeededFuture(false);
    }).<Void>map(changed -> {
      if (changed) {
        stats.changed.incrementAndGet();
      }
      return null;
    }).recover(err -> {
      stats.jobErrors.incrementAndGet();
      LOG.log(Level.WARNING, "applying the provider state of " + ref.jobId() + " failed", err);
      return Future.succeededFuture();
    });
  }

  /** House-keeping the poller does each cycle: never-acknowledged submissions, old webhook ids. */
  Future<Void> housekeeping() {
    return repo.failUnacknowledged(PENDING_TIMEOUT_SECONDS)
        .compose(ids -> {
          Future<Void> chain = Future.succeededFuture();
          for (String id : ids) {
            chain = chain.compose(x -> repo.find(id)).map(j -> {
              j.ifPresent(job -> JobEvents.statusChanged(vertx.eventBus(), job));
              return null;
            });
          }
          return chain;
        })
        .compose(x -> repo.pruneDeliveries(24 * 3600))
        .mapEmpty();
  }

  // ------------------------------------------------------------------ inline progress, cancel, validate

  /** {@code GET /api/cloud/jobs/{id}/inline-progress}: stored values only; the provider is not called. */
  public Future<JsonObject> inlineProgress(User user, String jobId) {
    return visibleCloud(user, jobId).map(job -> {
      JsonObject out = new JsonObject().put("job_id", job.getString("job_id"));
      boolean running = "running".equals(job.getString("status"));
      return out.put("stage", running ? job.getString("stage") : null)
          .put("last_log", running ? job.getString("last_log") : null)
          .put("progress", running ? job.getDouble("progress") : null)
          .put("eta_seconds", running ? job.getLong("eta_seconds") : null);
    });
  }

  /** {@code POST /api/cloud/jobs/{id}/cancel}. */
  public Future<JsonObject> cancel(User user, String jobId) {
    return visibleCloud(user, jobId).compose(this::cancelJob);
  }

  /** Cancel of a job whose visibility the caller already checked (the generic cancel, over the bus). */
  public Future<JsonObject> cancelById(String jobId) {
    return repo.find(jobId).compose(j -> j.map(this::cancelJob)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("Job not found"))));
  }

  private Future<JsonObject> cancelJob(JsonObject job) {
    String jobId = job.getString("job_id");
    String status = job.getString("status");
    if (JobService.isTerminal(status)) {
      return Future.failedFuture(ApiException.badRequest("Job is already finished: " + status));
    }
    Provider provider = providers.get(job.getString("provider"));
    if (provider == null) {
      return Future.failedFuture(new ApiException(503, "Provider " + job.getString("provider") + " is not available"));
    }
    String externalId = job.getString("external_id");
    if (externalId == null) {
      // Not acknowledged (yet): nothing to cancel at the provider.
      return repo.cancelUnacknowledged(jobId).compose(done -> repo.find(jobId)).map(Optional::orElseThrow)
          .onSuccess(j -> {
            if ("canceled".equals(j.getString("status"))) {
              JobEvents.statusChanged(vertx.eventBus(), j);
            }
          });
    }
    if (!provider.configured()) {
      return Future.failedFuture(notConfigured(provider));
    }
    String kind = job.getJsonObject("params", new JsonObject()).getString("kind", "training");
    return provider.cancel(kind, externalId)
        .recover(err -> Future.failedFuture(err instanceof ProviderException pe ? pe.toApi() : err))
        .compose(obj -> repo.flagCancel(jobId).compose(x -> apply(jobId, provider, obj)))
        .compose(x -> repo.find(jobId)).map(Optional::orElseThrow);
  }

  /** {@code GET /api/cloud/providers/{provider}/validate}: never an error status for provider trouble. */
  public Future<JsonObject> validate(String providerName) {
    Provider provider = providers.get(providerName);
    if (provider == null) {
      return Future.failedFuture(ApiException.notFound("Unknown provider: " + providerName));
    }
    JsonObject out = new JsonObject().put("provider", providerName);
    if (!provider.configured()) {
      return Future.succeededFuture(out.put("valid", false).put("detail", notConfigured(provider).getMessage()));
    }
    return provider.validate()
        .map(detail -> out.put("valid", true).put("detail", detail))
        .otherwise(err -> out.put("valid", false).put("detail", err instanceof ProviderException pe
            ? (pe.status() > 0 ? Providers.label(providerName) + " answered " + pe.status() + ": " + pe.getMessage()
                : pe.toApi().getMessage())
            : String.valueOf(err.getMessage())));
  }

  // ------------------------------------------------------------------ helpers

  private Future<JsonObject> visibleCloud(User user, String jobId) {
    if (!Ids.plausible(jobId)) {
      return Future.failedFuture(ApiException.notFound("Job not found"));
    }
    return jobs.find(jobId, JobService.scope(user)).compose(j -> j.filter(job -> !"local".equals(job.getString("provider")))
        .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(ApiException.notFound("Job not found"))));
  }

  static ProviderException notConfiguredError(Provider provider) {
    return new ProviderException(provider.name(), ProviderException.NOT_CONFIGURED,
        Providers.label(provider.name()) + " is not configured: set REPLICATE_API_TOKEN (providers."
            + provider.name() + ".api_token)", null);
  }

  static ApiException notConfigured(Provider provider) {
    return notConfiguredError(provider).toApi();
  }
}
