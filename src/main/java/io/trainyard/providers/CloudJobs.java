package io.trainyard.providers;

import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Ids;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Cloud jobs: the one place provider objects are applied to jobs (submission, polls, webhooks, sync and
 * cancel all go through {@link #apply}), cancel, inline progress and token validation. Used only from
 * {@link ProvidersVerticle}, so all cloud work runs on one event loop. Status changes are asked of the
 * {@link JobLedger}, which commits and publishes them; log and progress events are published here.
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
  private final MeterRegistry registry;
  private final Map<String, Provider> providers;
  private final CloudJobRepository repo;
  private final JobRepository jobs;
  private final JobLedger ledger;
  private final JobPaths paths;
  private final long graceSeconds;
  private final int concurrency;

  CloudJobs(Vertx vertx, Map<String, Provider> providers, JobRepository jobs, JobLedger ledger, JobPaths paths,
            long graceSeconds, int concurrency, MeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.providers = providers;
    this.repo = new CloudJobRepository(jobs.pool(), jobs);
    this.jobs = jobs;
    this.ledger = ledger;
    this.paths = paths;
    this.graceSeconds = graceSeconds;
    this.concurrency = concurrency;
  }

  /**
   * The service from its config sections: {@code background.job_status_polling} (for
   * {@code unknown_grace_seconds} and {@code concurrency}) and {@code providers.replicate}.
   */
  public static CloudJobs create(Vertx vertx, JsonObject polling, JsonObject replicate, JobRepository jobs,
                                 JobLedger ledger, JobPaths paths, MeterRegistry registry) {
    Map<String, Provider> providers = new LinkedHashMap<>();
    providers.put(ReplicateProvider.NAME, new ReplicateProvider(vertx, replicate, registry));
    return new CloudJobs(vertx, providers, jobs, ledger, paths, polling.getLong("unknown_grace_seconds", 600L),
        polling.getInteger("concurrency", 8), registry);
  }

  /** Where the cloud meters go (providers' requests, webhook deliveries). */
  MeterRegistry registry() {
    return registry;
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

  JobLedger ledger() {
    return ledger;
  }

  JobPaths paths() {
    return paths;
  }

  int concurrency() {
    return concurrency;
  }

  // ------------------------------------------------------------------ apply

  /**
   * Applies a provider object to a job: monotonic status, logs (written to the job's log file),
   * progress, cost. The ledger commits and publishes a status change; log and progress events are
   * published here from the committed row. Answers whether anything changed.
   */
  Future<Boolean> apply(String jobId, Provider provider, ProviderJob obj) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    String mapped = provider.mapStatus(obj.status());
    return ledger.<CloudTransition.Update>applyCloud(jobId,
            cur -> CloudTransition.decide(cur, obj, mapped, provider.pricePerSecond(cur.hardware()), now, graceSeconds),
            CloudTransition.Update::next, u -> writeLogFirst(jobId, u))
        .map(applied -> {
          applied.ifPresent(a -> publishLogAndProgress(a.job(), a.update()));
          return applied.isPresent();
        });
  }

  /** The provider's log text goes to the job's log file before the row that points readers at it. */
  private Future<Void> writeLogFirst(String jobId, CloudTransition.Update u) {
    if (!u.logsChanged()) {
      return Future.succeededFuture();
    }
    // Ordered on this verticle's context: writes of one node never race, so no lock is needed.
    return vertx.executeBlocking(() -> writeLog(jobId, u.logs()), true)
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.log(Level.WARNING, "could not write the provider log of " + jobId, err);
          return Future.succeededFuture();
        });
  }

  /** Applies "the provider no longer has this job" like an unknown status (kept in error; fails after the grace). */
  Future<Boolean> applyMissing(String jobId, Provider provider, CloudJobRepository.Ref ref) {
    ProviderJob missing = new ProviderJob(ref.externalId(), ref.kind(), "not found at provider", null, null, null,
        null, null, null, null, null, null);
    return apply(jobId, provider, missing);
  }

  private void publishLogAndProgress(Job job, CloudTransition.Update u) {
    if (u.logsChanged()) {
      byte[] all = u.logs().getBytes(StandardCharsets.UTF_8);
      long from = u.oldLogBytes() <= all.length ? u.oldLogBytes() : 0;
      vertx.eventBus().publish(JobEvents.LOG_PREFIX + job.id(), new JsonObject().put("type", "job_log")
          .put("job_id", job.id()).put("offset", from)
          .put("text", new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8)));
    }
    if (u.progressChanged() && !u.statusChanged()) {
      JobEvents.progress(vertx.eventBus(), job.ownerId(), new JsonObject().put("type", "job_progress")
          .put("job_id", job.id()).put("stage", job.stage()).put("progress", job.progress())
          .put("eta_seconds", job.etaSeconds()).put("last_log", job.lastLog()));
    }
  }

  /**
   * Replaces the job's log with the provider's whole log text (atomically, so a reader never sees half a
   * file), never with a shorter one, so two applies that finish out of order cannot leave the older text.
   */
  private Void writeLog(String jobId, String logs) throws java.io.IOException {
    Path file = paths.logFile(jobId);
    byte[] bytes = logs.getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(file.getParent());
    if (Files.exists(file) && Files.size(file) > bytes.length) {
      return null;
    }
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return null;
  }

  /** House-keeping the poller does each cycle: never-acknowledged submissions, old webhook ids. */
  Future<Void> housekeeping() {
    return ledger.failUnacknowledged(PENDING_TIMEOUT_SECONDS)
        .compose(x -> repo.pruneDeliveries(24 * 3600))
        .mapEmpty();
  }

  // ------------------------------------------------------------------ inline progress, cancel, validate

  /** {@code GET /api/cloud/jobs/{id}/inline-progress}: stored values only; the provider is not called. */
  Future<JsonObject> inlineProgress(User user, String jobId) {
    return visibleCloud(user, jobId).map(job -> {
      boolean running = job.status() == JobStatus.RUNNING;
      return new JsonObject().put("job_id", job.id())
          .put("stage", running ? job.stage() : null)
          .put("last_log", running ? job.lastLog() : null)
          .put("progress", running ? job.progress() : null)
          .put("eta_seconds", running ? job.etaSeconds() : null);
    });
  }

  /** {@code POST /api/cloud/jobs/{id}/cancel}. */
  Future<Job> cancel(User user, String jobId) {
    return visibleCloud(user, jobId).compose(this::cancelJob);
  }

  /** Cancel of a job whose visibility the caller already checked (the generic cancel and flush). */
  Future<Job> cancelById(String jobId) {
    return repo.find(jobId).compose(j -> j.map(this::cancelJob)
        .orElseGet(() -> Future.failedFuture(DomainException.notFound("Job not found"))));
  }

  private Future<Job> cancelJob(Job job) {
    String jobId = job.id();
    if (job.status().isTerminal()) {
      return Future.failedFuture(DomainException.refused("Job is already finished: " + job.status()));
    }
    Provider provider = providers.get(job.provider());
    if (provider == null) {
      return Future.failedFuture(new DomainException(DomainException.Kind.UNAVAILABLE,
          "Provider " + job.provider() + " is not available"));
    }
    if (job.externalId() == null) {
      // Not acknowledged (yet): nothing to cancel at the provider.
      return ledger.cancelUnacknowledged(jobId).compose(done -> repo.find(jobId)).map(Optional::orElseThrow);
    }
    if (!provider.configured()) {
      return Future.failedFuture(notConfigured(provider));
    }
    String kind = job.paramsOrEmpty().getString("kind", "training");
    return provider.cancel(kind, job.externalId())
        .recover(err -> Future.failedFuture(err instanceof ProviderException pe ? pe.toDomain() : err))
        .compose(obj -> ledger.flagCancel(jobId).compose(x -> apply(jobId, provider, obj)))
        .compose(x -> repo.find(jobId)).map(Optional::orElseThrow);
  }

  /** {@code GET /api/cloud/providers/{provider}/validate}: never an error status for provider trouble. */
  Future<JsonObject> validate(String providerName) {
    Provider provider = providers.get(providerName);
    if (provider == null) {
      return Future.failedFuture(DomainException.notFound("Unknown provider: " + providerName));
    }
    JsonObject out = new JsonObject().put("provider", providerName);
    if (!provider.configured()) {
      return Future.succeededFuture(out.put("valid", false).put("detail", notConfigured(provider).getMessage()));
    }
    return provider.validate()
        .map(detail -> out.put("valid", true).put("detail", detail))
        .otherwise(err -> out.put("valid", false).put("detail", err instanceof ProviderException pe
            ? (pe.status() > 0 ? Providers.label(providerName) + " answered " + pe.status() + ": " + pe.getMessage()
                : pe.toDomain().getMessage())
            : String.valueOf(err.getMessage())));
  }

  private Future<Job> visibleCloud(User user, String jobId) {
    if (!Ids.plausible(jobId)) {
      return Future.failedFuture(DomainException.notFound("Job not found"));
    }
    return jobs.find(jobId, JobService.scope(user)).compose(j -> j.filter(job -> !job.isLocal())
        .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound("Job not found"))));
  }

  static ProviderException notConfiguredError(Provider provider) {
    return new ProviderException(provider.name(), ProviderException.NOT_CONFIGURED,
        Providers.label(provider.name()) + " is not configured: set REPLICATE_API_TOKEN (providers."
            + provider.name() + ".api_token)", null);
  }

  static DomainException notConfigured(Provider provider) {
    return notConfiguredError(provider).toDomain();
  }
}
