package io.trainyard.http;

import io.trainyard.domain.DomainException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.auth.AuthService;
import io.trainyard.jobs.Analytics;
import io.trainyard.jobs.Artifacts;
import io.trainyard.jobs.BulkActions;
import io.trainyard.jobs.BulkTargets;
import io.trainyard.jobs.JobHistory;
import io.trainyard.jobs.Throughput;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.Templates;
import io.trainyard.logs.LogService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.trainyard.notifications.Notifications;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Routing, auth, parsing and problem+json. Handlers parse, call one domain service and map its
 * answer; the business work lives behind the services, and cloud work behind the providers verticle.
 */
public final class HttpVerticle extends VerticleBase {
  /** The domain services the routes call, built by the composition root. */
  public record Services(AuthService auth, JobService jobs, LogService logs, Artifacts artifacts, BulkActions bulk,
                         Templates templates, Analytics analytics, Supplier<Future<?>> databaseCheck,
                         java.util.function.BooleanSupplier databaseReachable, Notifications notifications) {
  }

  private final JsonObject http;
  private final Services services;
  private final AuthService auth;
  private final JobService jobs;
  private final PrometheusMeterRegistry registry;
  private final JsonObject sse;
  private final long sessionSeconds;
  private final CloudRoutes cloud = new CloudRoutes();
  private HttpServer server;
  private Router router;

  public HttpVerticle(JsonObject http, JsonObject sse, Services services, PrometheusMeterRegistry registry,
                      long sessionSeconds) {
    this.http = http;
    this.sse = sse;
    this.services = services;
    this.auth = services.auth();
    this.jobs = services.jobs();
    this.registry = registry;
    this.sessionSeconds = sessionSeconds;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    OriginPolicy origins = new OriginPolicy(http.getJsonArray("allowed_origins", new io.vertx.core.json.JsonArray())
        .stream().map(String::valueOf).toList());
    router.route().handler(ctx -> {
      RequestIds.assign(ctx);
      // The UI loads only its own scripts and talks only to its own origin: a second line of defence
      // behind building the DOM from text, never from HTML.
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("X-Frame-Options", "DENY")
          .putHeader("Referrer-Policy", "same-origin")
          .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; connect-src 'self';"
              + " img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self';"
              + " frame-ancestors 'none'; form-action 'self'");
      ctx.next();
    });
    router.route().handler(QueryGuard::check);
    // Before authentication and bodies: while PostgreSQL is unreachable every /api request is a 503.
    router.route("/api/*").handler(new OutageGate(services.databaseReachable()));
    // Provider webhooks carry the whole prediction with its cumulative logs: a limit of their own.
    BodyHandler apiBodies = BodyHandler.create(false).setBodyLimit(http.getLong("body_limit_bytes", 1_048_576L));
    BodyHandler webhookBodies = BodyHandler.create(false).setBodyLimit(http.getLong("webhook_body_limit_bytes", 16_777_216L));
    router.route("/api/*").handler(ctx ->
        (ctx.request().path().startsWith("/api/webhooks/") ? webhookBodies : apiBodies).handle(ctx));
    // SockJS's XHR transports (xhr_send, jsonp_send) read the body the BodyHandler collects.
    // (POST only: a websocket upgrade must reach the SockJS handler with its request untouched.)
    router.post("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(65_536));
    router.get("/api/health").handler(this::health);
    OpenApiRoutes openApi = new OpenApiRoutes(vertx);
    openApi.mount(router);
    String metricsToken = http.getString("metrics_token", "");
    router.get("/metrics").handler(ctx -> {
      // With metrics.token set, a scraper must show it (Prometheus: authorization.credentials).
      if (!metricsToken.isEmpty() && !MetricsAuth.presents(ctx.request().getHeader("Authorization"), metricsToken)) {
        Problems.send(ctx, 401, "Metrics need the configured bearer token", null);
        return;
      }
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(registry == null ? "" : registry.scrape());
    });
    AuthRoutes authRoutes = new AuthRoutes(auth, sessionSeconds, new ClientInfo(http.getBoolean("trust_proxy", false)));
    authRoutes.mountPublic(router);
    PushSessions sessions = new PushSessions(registry);
    LiveChannels live = new LiveChannels(vertx, auth.tokens());
    new EventBridge(vertx, auth.tokens(), jobs.repository(), origins, sessions, live).mount(router);
    cloud.mountPublic(router); // POST /api/webhooks/{provider}: no session, the signature is the authentication
    router.route("/api/*").handler(new AuthHandler(auth.tokens(), origins));
    authRoutes.mount(router);
    new EventStream(sse.getInteger("max_streams_per_address", 5), sse.getLong("heartbeat_seconds", 15L) * 1000, sessions,
        live)
        .mount(router);
    new AdminRoutes().mount(router);
    BulkTargets targets = new BulkTargets(jobs.repository().pool());
    new ManagementRoutes(jobs, services.bulk(), targets, services.templates(), services.analytics()).mount(router);
    new JobCenterRoutes(services.bulk(), targets, new JobHistory(jobs.repository().pool(), jobs), services.logs(),
        new Throughput(jobs.repository().pool())).mount(router);
    new JobRoutes(jobs, services.logs()).mount(router);
    new ArtifactRoutes(services.artifacts()).mount(router);
    new NotificationRoutes(services.notifications()).mount(router);
    cloud.mount(router);
    router.route("/api/*").handler(ctx -> ctx.fail(DomainException.notFound("No such route: " + ctx.request().path())));
    router.route().failureHandler(Problems::handle);
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86400));
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
    // Deep links (/jobs, /jobs/{id}, /analytics, ...) are pages of the single-page UI.
    router.getWithRegex("/(?!api/|eventbus|webjars/|metrics)[A-Za-z0-9_/-]*").handler(ctx ->
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").sendFile("webroot/index.html").onFailure(ctx::fail));
    // The router itself refuses a path it cannot decode (a malformed percent escape) before any route.
    router.errorHandler(400, ctx -> Problems.send(ctx, 400, "Malformed request (path or query)", null));
    router.errorHandler(404, ctx -> Problems.send(ctx, 404, "Not found", null));
    router.errorHandler(405, ctx -> Problems.send(ctx, 405, "Method not allowed", null));
    return openApi.ready().compose(doc -> vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setCompressionSupported(true)
        // curl -d sends JSON as a form: let such a body be as large as the body limits allow (it is read
        // as JSON all the same), rather than the form decoder's 8 KiB field limit.
        .setMaxFormAttributeSize((int) Math.min(Integer.MAX_VALUE, http.getLong("webhook_body_limit_bytes", 16_777_216L)))
        .setMaxFormBufferedBytes((int) Math.min(Integer.MAX_VALUE, http.getLong("webhook_body_limit_bytes", 16_777_216L))))
        .requestHandler(router)
        .invalidRequestHandler(Problems::invalidRequest)
        .listen(http.getInteger("port", 8080), http.getString("host", "127.0.0.1"))
        .onSuccess(s -> server = s));
  }

  /**
   * "METHOD /path" of every route mounted for a method on a plain path (e.g. "GET /api/jobs/:id"):
   * what the API does, for comparing with what its OpenAPI document says it does.
   */
  public List<String> routes() {
    List<String> out = new ArrayList<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() != null && r.methods() != null) {
        r.methods().forEach(m -> out.add(m.name() + " " + r.getPath()));
      }
    }
    return out;
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void health(RoutingContext ctx) {
    // The cloud poller's state and last cycle (issue 4), from this node's poller; null without one.
    Future<JsonObject> poller = vertx.eventBus().<JsonObject>request(io.trainyard.providers.ProvidersApi.POLLER_STATUS,
            null, new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2000).setLocalOnly(true))
        .map(m -> m.body()).otherwise((JsonObject) null);
    // While the probe finds PostgreSQL unreachable, health says so at once instead of waiting on it.
    Future<?> check = services.databaseReachable().getAsBoolean() ? services.databaseCheck().get()
        : Future.failedFuture("database unreachable");
    // Members as the cluster manager sees them (1 for a node alone).
    Future<Integer> members = vertx.eventBus().<JsonObject>request(io.trainyard.cluster.ClusterApi.MEMBERS, null,
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2000).setLocalOnly(true))
        .map(m -> m.body().getInteger("members")).otherwise(1);
    check
        .map("ok").otherwise("down")
        .compose(db -> poller.compose(p -> members).map(db))
        .onSuccess(db -> ctx.response().setStatusCode("ok".equals(db) ? 200 : 503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "ok".equals(db) ? "ok" : "degraded").put("db", db)
                .put("node_id", jobs.nodeId()).put("cluster_members", members.result()).put("poller", poller.result()).encode()));
  }
}
