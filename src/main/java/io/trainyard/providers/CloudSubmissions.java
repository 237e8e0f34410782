package io.trainyard.providers;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.trainyard.jobs.Ids;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobPaths;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/cloud/jobs}: a strict check of the body, a {@code pending} job, the provider call,
 * and the acknowledged job; a refused submission leaves no job behind.
 */
final class CloudSubmissions {
  private static final Set<String> FIELDS = Set.of("provider", "version", "input", "kind", "destination", "hardware");
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,99}";
  private static final Pattern MODEL_VERSION = Pattern.compile(NAME + "/" + NAME + ":[A-Za-z0-9]{1,128}");
  private static final Pattern BARE_VERSION = Pattern.compile("[A-Za-z0-9]{1,128}");
  private static final Pattern MODEL = Pattern.compile(NAME + "/" + NAME);

  private final CloudJobs cloud;
  private final Vertx vertx;
  private final Map<String, Provider> providers;
  private final CloudJobRepository repo;
  private final JobPaths paths;

  CloudSubmissions(CloudJobs cloud) {
    this.cloud = cloud;
    this.vertx = cloud.vertx();
    this.providers = cloud.providers();
    this.repo = cloud.repository();
    this.paths = cloud.paths();
  }

  /** {@code POST /api/cloud/jobs}: validates, records a pending job, submits, answers the acknowledged job. */
  Future<Job> submit(User user, JsonObject body) {
    Validation v = new Validation();
    body.fieldNames().stream().filter(f -> !FIELDS.contains(f)).sorted()
        .forEach(f -> v.add(f, "unknown field (allowed: destination, hardware, input, kind, provider, version)"));
    String providerName = string(body, "provider", v);
    providerName = providerName == null ? ReplicateProvider.NAME : providerName;
    Provider provider = providers.get(providerName);
    if (provider == null) {
      v.add("provider", "unknown provider; one of " + String.join(", ", providers.keySet()));
    }
    String kind = string(body, "kind", v);
    kind = kind == null ? "training" : kind;
    if (!kind.equals("training") && !kind.equals("prediction")) {
      v.add("kind", "must be training or prediction");
    }
    String version = string(body, "version", v);
    if (version == null) {
      v.add("version", "is required (owner/name:version_id)");
    } else if (!MODEL_VERSION.matcher(version).matches()
        && !(kind.equals("prediction") && BARE_VERSION.matcher(version).matches())) {
      v.add("version", "must be owner/name:version_id");
    }
    Object input = body.getValue("input");
    if (!(input instanceof JsonObject)) {
      v.add("input", input == null ? "is required (a JSON object)" : "must be a JSON object");
    }
    String destination = string(body, "destination", v);
    if (kind.equals("training") && destination == null) {
      v.add("destination", "is required for a training (owner/name of the model to push to)");
    } else if (kind.equals("training") && !MODEL.matcher(destination).matches()) {
      v.add("destination", "must be owner/name");
    } else if (kind.equals("prediction") && destination != null) {
      v.add("destination", "only applies to trainings");
    }
    String hardware = string(body, "hardware", v);
    if (hardware != null && provider != null && provider.pricePerSecond(hardware) == null) {
      v.add("hardware", "unknown hardware; one of " + String.join(", ", provider.hardware().stream().sorted().toList()));
    }
    v.throwIfInvalid();
    if (!provider.configured()) {
      return Future.failedFuture(CloudJobs.notConfigured(provider));
    }
    CloudSpec spec = new CloudSpec(kind, version, (JsonObject) input, destination, hardware);
    String jobId = Ids.job();
    Path dir = paths.jobDir(jobId);
    String name = providerName;
    return vertx.executeBlocking(() -> Files.createDirectories(dir), false)
        .compose(d -> cloud.ledger().pending(jobId, name, user.id(), spec.params(), hardware, paths.logFile(jobId).toString(),
            dir.toString()))
        .compose(x -> provider.create(spec).transform(ar -> {
          if (ar.succeeded() && ar.result().externalId() != null && CloudJobs.EXTERNAL_ID.matcher(ar.result().externalId()).matches()) {
            return acknowledged(user, jobId, provider, ar.result());
          }
          // Refused (or an answer without an id): no trace of the attempt is left.
          Throwable err = ar.failed() ? ar.cause()
              : new ProviderException(name, 502, "the provider's answer has no job id", null);
          return repo.deletePending(jobId)
              .eventually(() -> vertx.executeBlocking(() -> paths.purge(dir.toString()), false))
              .transform(y -> Future.failedFuture(err instanceof ProviderException pe ? pe.toDomain() : err));
        }));
  }

  private Future<Job> acknowledged(User user, String jobId, Provider provider, ProviderJob obj) {
    return repo.acknowledge(jobId, obj.externalId()).compose(ok -> {
      if (!ok) {
        // Another local job already holds this provider job (a sync imported it between the provider's
        // answer and our write; syncs skip jobs a submission waits for, so this is rare). Ours goes;
        // the answer is that job only if it is the caller's: never another user's row.
        return repo.deletePending(jobId).compose(x -> repo.jobIdByExternal(provider.name(), obj.externalId()))
            .compose(other -> other.isEmpty() ? Future.succeededFuture(Optional.<Job>empty()) : repo.find(other.get()))
            .compose(other -> other.isPresent() && other.get().ownerId() == user.id()
                ? Future.succeededFuture(other.get())
                : Future.failedFuture(DomainException.conflict("The provider's job " + obj.externalId()
                    + " was recorded by another import while this submission was in flight")));
      }
      return cloud.apply(jobId, provider, obj).compose(changed -> repo.find(jobId)).map(Optional::orElseThrow);
    });
  }

  private static String string(JsonObject body, String field, Validation v) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      v.add(field, "must be a non-empty string");
      return null;
    }
    return s.trim();
  }
}
