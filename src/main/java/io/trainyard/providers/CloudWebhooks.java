package io.trainyard.providers;

import io.micrometer.core.instrument.Counter;
import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** {@code POST /api/webhooks/{provider}}: Standard Webhooks deliveries, verified, de-duplicated, applied. */
final class CloudWebhooks {
  private static final Logger LOG = Logger.getLogger(CloudWebhooks.class.getName());
  private final CloudJobs cloud;
  private final Vertx vertx;
  private final Map<String, Provider> providers;
  private final CloudJobRepository repo;
  private final Map<String, WebhookVerifier> verifiers = new LinkedHashMap<>();

  CloudWebhooks(CloudJobs cloud) {
    this.cloud = cloud;
    this.vertx = cloud.vertx();
    this.providers = cloud.providers();
    this.repo = cloud.repository();
    java.util.List.of("applied", "duplicate", "unknown_job", "bad_signature", "invalid", "unknown_provider", "error")
        .forEach(this::deliveries); // every series from the start, at zero
    providers.forEach((name, p) -> {
      if (p.webhookSecret() != null) {
        try {
          verifiers.put(name, new WebhookVerifier(p.webhookSecret()));
        } catch (IllegalArgumentException e) {
          LOG.warning(Providers.label(name) + " webhook secret is not whsec_<base64>; webhooks will be refused");
        }
      }
    });
  }

  /**
   * {@code POST /api/webhooks/{provider}}: Standard Webhooks signature (401 if bad), replay guard by
   * webhook-id, then the body applied as the provider object. Duplicates and unknown jobs answer 200
   * {@code {ignored}} so the provider does not retry them.
   */
  Future<JsonObject> webhook(String providerName, MultiMap headers, Buffer body) {
    return deliver(providerName, headers, body).andThen(ar -> deliveries(outcome(ar)).increment());
  }

  private Counter deliveries(String outcome) {
    return Counter.builder("trainyard.webhook.deliveries").description("Provider webhook deliveries, by outcome")
        .tag("outcome", outcome).register(cloud.registry());
  }

  /** A bounded name for what became of a delivery. */
  private static String outcome(io.vertx.core.AsyncResult<JsonObject> ar) {
    if (ar.succeeded()) {
      String ignored = ar.result().getString("ignored");
      return ignored == null ? "applied" : ignored.startsWith("duplicate") ? "duplicate" : "unknown_job";
    }
    if (ar.cause() instanceof DomainException d) {
      return switch (d.kind()) {
        case UNAUTHENTICATED -> "bad_signature";
        case INVALID -> "invalid";
        case NOT_FOUND -> "unknown_provider";
        default -> "error";
      };
    }
    return "error";
  }

  private Future<JsonObject> deliver(String providerName, MultiMap headers, Buffer body) {
    Provider provider = providers.get(providerName);
    if (provider == null) {
      return Future.failedFuture(DomainException.notFound("Unknown provider: " + providerName));
    }
    WebhookVerifier verifier = verifiers.get(providerName);
    if (verifier == null) {
      return Future.failedFuture(new DomainException(DomainException.Kind.UNAUTHENTICATED, "Webhook signatures cannot be checked: no webhook secret is configured"));
    }
    byte[] raw = body == null ? new byte[0] : body.getBytes();
    String webhookId = headers.get("webhook-id");
    WebhookVerifier.Verdict verdict = verifier.verify(webhookId, headers.get("webhook-timestamp"),
        headers.get("webhook-signature"), raw, Instant.now().getEpochSecond());
    if (!verdict.ok()) {
      return Future.failedFuture(new DomainException(DomainException.Kind.UNAUTHENTICATED, "Invalid webhook signature: " + verdict.reason()));
    }
    JsonObject object;
    try {
      object = new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return Future.failedFuture(DomainException.invalid("body", "must be the provider's job object (JSON)"));
    }
    ProviderJob obj = provider.parse(object);
    if (obj.externalId() == null) {
      return Future.failedFuture(DomainException.invalid("id", "the provider object has no id"));
    }
    return repo.firstDelivery(providerName, webhookId).compose(first -> {
      if (!first) {
        return Future.succeededFuture(new JsonObject().put("ignored", "duplicate webhook-id " + webhookId));
      }
      return jobIdForDelivery(providerName, obj.externalId()).compose(id -> {
        if (id.isEmpty()) {
          return Future.succeededFuture(new JsonObject().put("ignored", "no job with external id " + obj.externalId()));
        }
        return cloud.apply(id.get(), provider, obj).compose(changed -> repo.find(id.get())).map(j -> new JsonObject()
            .put("applied", true).put("job_id", id.get()).put("status", j.map(x -> x.status().wire()).orElse(null)));
      }).recover(err -> repo.forgetDelivery(providerName, webhookId).transform(x -> Future.failedFuture(err)));
    });
  }

  /**
   * The job a delivery is about. A "start" event can overtake our own write of the provider's id at
   * submission, so while a submission is still unacknowledged the lookup is tried once more shortly after.
   */
  private Future<Optional<String>> jobIdForDelivery(String provider, String externalId) {
    return repo.jobIdByExternal(provider, externalId).compose(id -> id.isPresent() ? Future.succeededFuture(id)
        : repo.hasUnacknowledged(provider).compose(waiting -> !waiting ? Future.succeededFuture(id)
            : Future.<Void>future(p -> vertx.setTimer(500, t -> p.complete()))
                .compose(x -> repo.jobIdByExternal(provider, externalId))));
  }
}
