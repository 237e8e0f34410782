package io.trainyard.providers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replicate's HTTP API (config {@code providers.replicate}): trainings under
 * {@code /v1/models/{owner}/{name}/versions/{id}/trainings} and {@code /v1/trainings}, predictions under
 * {@code /v1/predictions}, token check via {@code /v1/account}. Lists are cursor pages of 100.
 */
public final class ReplicateProvider implements Provider {
  public static final String NAME = "replicate";
  /** The events every submission asks for when a webhook URL is configured. */
  static final JsonArray WEBHOOK_EVENTS = new JsonArray().add("start").add("logs").add("completed");
  private static final Map<String, String> STATUSES = Map.of(
      "starting", "queued", "processing", "running", "succeeded", "success",
      "failed", "failed", "canceled", "canceled", "aborted", "failed");

  private final WebClient client;
  private final String baseUrl;
  private final String token;
  private final String webhookUrl;
  private final String webhookSecret;
  private final String defaultHardware;
  private final JsonObject prices;
  private final long timeoutMs;
  private final MeterRegistry registry;

  public ReplicateProvider(Vertx vertx, JsonObject conf) {
    this(vertx, conf, new SimpleMeterRegistry());
  }

  public ReplicateProvider(Vertx vertx, JsonObject conf, MeterRegistry registry) {
    this.registry = registry;
    ROUTES.forEach(r -> OUTCOMES.forEach(o -> requests(r, o))); // every series from the start, at zero
    this.baseUrl = stripSlash(conf.getString("base_url", "https://api.replicate.com"));
    this.token = blankToNull(conf.getString("api_token"));
    this.webhookUrl = blankToNull(conf.getString("webhook_url"));
    this.webhookSecret = blankToNull(conf.getString("webhook_secret"));
    this.defaultHardware = conf.getString("default_hardware", "gpu-l40s");
    this.prices = conf.getJsonObject("prices", new JsonObject());
    this.timeoutMs = conf.getLong("timeout_ms", 30_000L);
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("trainyard")
            .setConnectTimeout((int) Math.min(timeoutMs, 10_000)),
        new PoolOptions().setHttp1MaxSize(conf.getInteger("max_connections", 16)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean configured() {
    return token != null;
  }

  @Override
  public boolean webhooksConfigured() {
    return webhookUrl != null;
  }

  @Override
  public String webhookSecret() {
    return webhookSecret;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String defaultHardware() {
    return defaultHardware;
  }

  @Override
  public Future<ProviderJob> create(CloudSpec spec) {
    JsonObject body = new JsonObject().put("input", spec.input());
    if (webhookUrl != null) {
      body.put("webhook", webhookUrl).put("webhook_events_filter", WEBHOOK_EVENTS.copy());
    }
    String version = spec.version();
    int colon = version.indexOf(':');
    if ("training".equals(spec.kind())) {
      // owner/name:id -> /v1/models/owner/name/versions/id/trainings (the parts are validated by CloudJobs)
      String model = version.substring(0, colon);
      body.put("destination", spec.destination());
      return call("create", HttpMethod.POST, baseUrl + "/v1/models/" + model + "/versions/" + version.substring(colon + 1)
          + "/trainings", body).map(this::parse);
    }
    body.put("version", colon < 0 ? version : version.substring(colon + 1));
    return call("create", HttpMethod.POST, baseUrl + "/v1/predictions", body).map(this::parse);
  }

  @Override
  public Future<ProviderJob> get(String kind, String externalId) {
    return call("get", HttpMethod.GET, baseUrl + collection(kind) + "/" + externalId, null).map(this::parse);
  }

  @Override
  public Future<Page> list(String kind, String cursor) {
    String url = baseUrl + collection(kind);
    if (cursor != null) {
      // The provider hands out absolute next URLs; only follow ones on its own origin, because the
      // token travels with the request.
      if (!sameOrigin(cursor)) {
        return Future.failedFuture(new ProviderException(NAME, 502, "next page URL points elsewhere: " + cursor, null));
      }
      url = cursor;
    }
    return call("list", HttpMethod.GET, url, null).map(page -> {
      List<ProviderJob> items = new ArrayList<>();
      JsonArray results = page.getJsonArray("results", new JsonArray());
      for (Object o : results) {
        if (o instanceof JsonObject obj) {
          ProviderJob job = parse(obj);
          items.add(job.kind() != null ? job : withKind(job, kind));
        }
      }
      return new Page(items, blankToNull(page.getString("next")));
    });
  }

  @Override
  public Future<ProviderJob> cancel(String kind, String externalId) {
    return call("cancel", HttpMethod.POST, baseUrl + collection(kind) + "/" + externalId + "/cancel", new JsonObject())
        .map(this::parse);
  }

  @Override
  public Future<String> validate() {
    return call("account", HttpMethod.GET, baseUrl + "/v1/account", null).map(acct -> {
      String who = acct.getString("username", acct.getString("name", "unknown"));
      return "token accepted for account '" + who + "'";
    });
  }

  @Override
  public ProviderJob parse(JsonObject o) {
    String kind = null;
    JsonObject urls = o.getValue("urls") instanceof JsonObject u ? u : new JsonObject();
    String get = urls.getValue("get") instanceof String s ? s : "";
    if (get.contains("/trainings/")) {
      kind = "training";
    } else if (get.contains("/predictions/")) {
      kind = "prediction";
    }
    JsonObject metrics = o.getValue("metrics") instanceof JsonObject m ? m : new JsonObject();
    Double predictTime = metrics.getValue("predict_time") instanceof Number n ? n.doubleValue() : null;
    String model = text(o, "model");
    String version = text(o, "version");
    String fullVersion = model != null && version != null && !version.contains(":") ? model + ":" + version : version;
    Object err = o.getValue("error");
    String error = err == null ? null : err instanceof String s ? s : String.valueOf(err);
    return new ProviderJob(text(o, "id"), kind, text(o, "status"), text(o, "logs"), error, predictTime,
        time(o, "created_at"), time(o, "started_at"), time(o, "completed_at"), fullVersion,
        o.getValue("input") instanceof JsonObject in ? in : null, text(o, "destination"));
  }

  @Override
  public String mapStatus(String providerStatus) {
    return providerStatus == null ? null : STATUSES.get(providerStatus);
  }

  @Override
  public Double pricePerSecond(String hardware) {
    Object p = prices.getValue(hardware == null ? defaultHardware : hardware);
    return p instanceof Number n ? n.doubleValue() : null;
  }

  @Override
  public java.util.Set<String> hardware() {
    return prices.fieldNames();
  }

  private static String collection(String kind) {
    return "training".equals(kind) ? "/v1/trainings" : "/v1/predictions";
  }

  /**
   * One request, counted as {@code trainyard_provider_requests_total{provider,route,outcome}}; any
   * outcome but a 2xx JSON object becomes a {@link ProviderException}.
   */
  private Future<JsonObject> call(String route, HttpMethod method, String url, JsonObject body) {
    return send(method, url, body).andThen(ar -> requests(route, outcome(ar.cause())).increment());
  }

  private static final java.util.List<String> ROUTES = java.util.List.of("create", "get", "list", "cancel", "account");
  private static final java.util.List<String> OUTCOMES =
      java.util.List.of("ok", "client_error", "server_error", "rate_limited", "unreachable", "not_configured");

  private Counter requests(String route, String outcome) {
    return Counter.builder("trainyard.provider.requests")
        .description("Requests to cloud providers, by provider, route and outcome")
        .tags("provider", NAME, "route", route, "outcome", outcome).register(registry);
  }

  /** A bounded name for how a request ended. */
  private static String outcome(Throwable err) {
    if (err == null) {
      return "ok";
    }
    int status = err instanceof ProviderException p ? p.status() : 0;
    if (status == ProviderException.NOT_CONFIGURED) {
      return "not_configured";
    }
    if (status == 429) {
      return "rate_limited";
    }
    if (status >= 500) {
      return "server_error";
    }
    if (status >= 400) {
      return "client_error";
    }
    return "unreachable";
  }

  private Future<JsonObject> send(HttpMethod method, String url, JsonObject body) {
    if (token == null) {
      return Future.failedFuture(new ProviderException(NAME, ProviderException.NOT_CONFIGURED,
          "Replicate is not configured: set REPLICATE_API_TOKEN (providers.replicate.api_token)", null));
    }
    HttpRequest<Buffer> req;
    try {
      req = client.requestAbs(method, url).putHeader("Authorization", "Bearer " + token)
          .putHeader("Accept", "application/json").timeout(timeoutMs);
    } catch (RuntimeException badUrl) {
      return Future.failedFuture(new ProviderException(NAME, ProviderException.UNREACHABLE,
          "bad URL " + url + ": " + badUrl.getMessage(), null));
    }
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    return sent.transform(ar -> {
      if (ar.failed()) {
        String why = ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage();
        return Future.failedFuture(new ProviderException(NAME, ProviderException.UNREACHABLE, why, null));
      }
      HttpResponse<Buffer> resp = ar.result();
      JsonObject json = json(resp.body());
      if (resp.statusCode() / 100 != 2) {
        String detail = json != null && json.getValue("detail") != null ? String.valueOf(json.getValue("detail"))
            : resp.statusMessage();
        return Future.failedFuture(new ProviderException(NAME, resp.statusCode(), detail,
            retryAfter(resp.getHeader("Retry-After"))));
      }
      if (json == null) {
        return Future.failedFuture(new ProviderException(NAME, 502, "answer is not a JSON object", null));
      }
      return Future.succeededFuture(json);
    });
  }

  private boolean sameOrigin(String url) {
    try {
      URI a = URI.create(baseUrl);
      URI b = URI.create(url);
      return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
          && a.getPort() == b.getPort();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static ProviderJob withKind(ProviderJob j, String kind) {
    return new ProviderJob(j.externalId(), kind, j.status(), j.logs(), j.error(), j.predictTime(), j.createdAt(),
        j.startedAt(), j.completedAt(), j.version(), j.input(), j.destination());
  }

  private static JsonObject json(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      Object v = io.vertx.core.json.Json.decodeValue(body);
      return v instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Long retryAfter(String header) {
    if (header == null || !header.trim().matches("\\d{1,6}")) {
      return null;
    }
    return Long.parseLong(header.trim());
  }

  private static String text(JsonObject o, String key) {
    return o.getValue(key) instanceof String s ? s : null;
  }

  private static OffsetDateTime time(JsonObject o, String key) {
    String s = text(o, key);
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
