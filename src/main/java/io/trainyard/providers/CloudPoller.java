package io.trainyard.providers;

import io.micrometer.core.instrument.Gauge;
import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps active cloud jobs in step with their providers when webhooks are not (or not only) doing it.
 * Config {@code background.job_status_polling}: {@code enabled} ({@code auto}: on when no provider has a
 * webhook URL; {@code true} forces it on; {@code false} off), {@code interval_seconds} (30), and for tests
 * {@code interval_ms} (overrides the seconds). One cycle visits every active cloud job of every user,
 * grouped by provider; cycles never overlap. A provider that rate-limits, fails or cannot be reached is
 * left alone for an exponentially growing pause (the provider's Retry-After if longer), logged once per
 * episode; jobs are never failed because of it. In a cluster a lease in PostgreSQL lets one node poll at a time.
 * Runs on {@link ProvidersVerticle}'s event loop, like all cloud work.
 */
final class CloudPoller {
  private static final Logger LOG = Logger.getLogger(CloudPoller.class.getName());
  private static final String LEASE = "cloud-poller";
  private static final long MAX_BACKOFF_MS = 10 * 60_000L;

  private final Vertx vertx;
  private final CloudJobs cloud;
  private final CloudRefresh refresh;
  private final String nodeId;
  private final String mode;
  private final boolean enabled;
  private final long intervalMs;
  private final Map<String, Backoff> backoff = new HashMap<>();
  private long timer = -1;
  private Future<JsonObject> current;
  private boolean stopped;
  private String state;
  private JsonObject lastCycle;
  private long cycles;
  private Instant nextPollAt;

  /** Per-provider trouble: consecutive failed cycles and when to try again. */
  private static final class Backoff {
    int failures;
    /** Volatile: the metrics scrape reads it from another thread. */
    volatile long notBeforeMs;
    String lastError;
  }

  CloudPoller(Vertx vertx, CloudJobs cloud, JsonObject polling, String nodeId) {
    this.vertx = vertx;
    this.cloud = cloud;
    this.refresh = new CloudRefresh(cloud);
    this.nodeId = nodeId;
    for (String name : cloud.providers().keySet()) {
      // Created here, on the verticle's thread, so the map is never written while a scrape reads it.
      Backoff b = backoff.computeIfAbsent(name, n -> new Backoff());
      Gauge.builder("trainyard.provider.backoff", b, x -> Math.max(0, x.notBeforeMs - System.currentTimeMillis()) / 1000.0)
          .description("Seconds until a provider in backoff is polled again (0: not backing off)")
          .tag("provider", name).register(cloud.registry());
    }
    Object raw = polling.getValue("enabled", "auto");
    this.mode = String.valueOf(raw).trim().toLowerCase();
    boolean anyWebhook = cloud.providers().values().stream().anyMatch(Provider::webhooksConfigured);
    this.enabled = switch (mode) {
      case "true", "on", "yes", "1" -> true;
      case "false", "off", "no", "0" -> false;
      default -> !anyWebhook;
    };
    long ms = polling.getLong("interval_ms", 0L);
    this.intervalMs = ms > 0 ? ms : Math.max(1, polling.getLong("interval_seconds", 30L)) * 1000;
  }

  void start() {
    LOG.info(startLine());
    if (enabled) {
      state = "idle";
      // The first cycle comes soon after start, so jobs that moved while the server was down catch up.
      schedule(Math.min(intervalMs, 5_000));
    } else {
      state = "disabled";
    }
  }

  Future<?> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return enabled ? cloud.repository().releaseLease(LEASE, nodeId).otherwise((Void) null) : Future.succeededFuture();
  }

  private String startLine() {
    boolean anyWebhook = cloud.providers().values().stream().anyMatch(Provider::webhooksConfigured);
    String every = intervalMs % 1000 == 0 ? (intervalMs / 1000) + " s" : intervalMs + " ms";
    if (!enabled) {
      return "Cloud job poller is off (" + (mode.equals("auto") ? "webhook URL configured; " : "")
          + "background.job_status_polling.enabled=" + mode + ")";
    }
    return "Cloud job poller is on: refreshing active cloud jobs every " + every
        + (mode.equals("auto") ? " (no webhook URL configured)" : anyWebhook ? " (forced on beside webhooks)" : "");
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    nextPollAt = Instant.now().plusMillis(delayMs);
    timer = vertx.setTimer(delayMs, t -> {
      timer = -1;
      runCycle().onComplete(ar -> schedule(intervalMs));
    });
  }

  /**
   * One cycle: takes the lease, then for each configured provider not in backoff refreshes all its
   * active jobs. Never fails; the outcome is in the summary.
   */
  Future<JsonObject> runCycle() {
    if (current != null) {
      // Cycles never overlap: a request during one runs a fresh cycle after it.
      return current.transform(x -> runCycle());
    }
    state = "polling";
    Instant started = Instant.now();
    JsonObject perProvider = new JsonObject();
    long leaseSeconds = Math.max(30, 3 * intervalMs / 1000);
    Future<JsonObject> cycle = cloud.repository().holdLease(LEASE, nodeId, leaseSeconds).compose(held -> {
      if (!held) {
        return Future.succeededFuture("standby");
      }
      Future<Void> chain = Future.succeededFuture();
      for (Provider p : cloud.providers().values()) {
        chain = chain.compose(x -> pollProvider(p, perProvider));
      }
      return chain.compose(x -> cloud.housekeeping()).map(x -> outcome(perProvider));
    }).recover(err -> {
      // Our own database is down or similar: say so, try again next time.
      LOG.log(Level.WARNING, "cloud poll cycle failed", err);
      return Future.succeededFuture("error: " + err.getMessage());
    }).map(outcome -> new JsonObject().put("node_id", nodeId).put("started_at", started.toString())
        .put("finished_at", Instant.now().toString())
        .put("duration_ms", Instant.now().toEpochMilli() - started.toEpochMilli())
        .put("outcome", outcome).put("providers", perProvider));
    current = cycle;
    cycle.onComplete(ar -> {
      current = null;
      cycles++;
      lastCycle = ar.result();
      String outcome = ar.result().getString("outcome");
      state = !enabled ? "disabled" : "standby".equals(outcome) ? "standby"
          : backoff.values().stream().anyMatch(b -> b.failures > 0) ? "backing_off" : "idle";
    });
    return cycle;
  }

  private Future<Void> pollProvider(Provider p, JsonObject perProvider) {
    Backoff b = backoff.computeIfAbsent(p.name(), n -> new Backoff());
    long now = System.currentTimeMillis();
    if (now < b.notBeforeMs) {
      perProvider.put(p.name(), new JsonObject().put("skipped", "backing off until "
          + Instant.ofEpochMilli(b.notBeforeMs)).put("consecutive_failures", b.failures));
      return Future.succeededFuture();
    }
    CloudRefresh.Stats stats = new CloudRefresh.Stats();
    return refresh.activeJobs(p.name(), null, stats).map(s -> {
      JsonObject summary = s.toJson();
      ProviderException trouble = s.stoppedBy;
      if (trouble == null) {
        if (b.failures > 0) {
          LOG.info(Providers.label(p.name()) + " is answering again after " + b.failures + " failed poll cycle(s)");
        }
        b.failures = 0;
        b.notBeforeMs = 0;
        b.lastError = null;
      } else {
        b.failures++;
        long pause = Math.min(MAX_BACKOFF_MS, intervalMs * (1L << Math.min(b.failures, 20)));
        if (trouble.retryAfterSeconds() != null) {
          pause = Math.max(pause, Math.min(MAX_BACKOFF_MS, trouble.retryAfterSeconds() * 1000));
        }
        b.notBeforeMs = System.currentTimeMillis() + pause;
        DomainException api = trouble.toDomain();
        b.lastError = api.getMessage();
        String line = "polling " + Providers.label(p.name()) + " paused for " + pause / 1000.0 + " s: " + api.getMessage();
        if (b.failures == 1) {
          // Once per episode; the recovery line closes it.
          LOG.warning(line);
        } else {
          LOG.fine(line);
        }
        summary.put("backoff_ms", pause).put("consecutive_failures", b.failures);
      }
      perProvider.put(p.name(), summary);
      return null;
    });
  }

  private static String outcome(JsonObject perProvider) {
    for (String name : perProvider.fieldNames()) {
      JsonObject s = perProvider.getJsonObject(name);
      if (s.getString("error") != null) {
        return "provider_trouble";
      }
    }
    return "ok";
  }

  JsonObject status() {
    JsonObject providers = new JsonObject();
    backoff.forEach((name, b) -> providers.put(name, new JsonObject().put("consecutive_failures", b.failures)
        .put("last_error", b.lastError)
        .put("backing_off_until", b.notBeforeMs > System.currentTimeMillis() ? Instant.ofEpochMilli(b.notBeforeMs).toString() : null)));
    return new JsonObject().put("enabled", enabled).put("mode", mode).put("interval_seconds", intervalMs / 1000.0)
        .put("state", state).put("node_id", nodeId).put("cycles", cycles)
        .put("next_poll_at", enabled && nextPollAt != null ? nextPollAt.toString() : null)
        .put("last_cycle", lastCycle).put("providers", providers);
  }
}
