package io.trainyard.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trainyard.auth.AuthHandler;
import io.trainyard.auth.AuthService;
import io.trainyard.auth.OriginPolicy;
import io.trainyard.jobs.Analytics;
import io.trainyard.jobs.BulkActions;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.Templates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;

/** Routing, auth, validation and problem+json; the business work lives behind {@link JobService}. */
public final class HttpVerticle extends VerticleBase {
  private final JsonObject http;
  private final AuthService auth;
  private final JobService jobs;
  private final Pool pool;
  private final PrometheusMeterRegistry registry;
  private final JsonObject sse;
  private final long sessionSeconds;
  private HttpServer server;
  // Cloud jobs (issue 4): set by the composition root; null = no cloud routes.
  private CloudRoutes cloud;

  public HttpVerticle(JsonObject http, JsonObject sse, AuthService auth, JobService jobs, Pool pool, PrometheusMeterRegistry registry,
                      long sessionSeconds) {
    this.http = http;
    this.sse = sse;
    this.auth = auth;
    this.jobs = jobs;
    this.pool = pool;
    this.registry = registry;
    this.sessionSeconds = sessionSeconds;
  }

  /** Mounts the cloud job routes: webhooks before the session check (they authenticate by signature), the rest after. */
  public HttpVerticle cloud(CloudRoutes routes) {
    this.cloud = routes;
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OriginPolicy origins = new OriginPolicy(http.getJsonArray("allowed_origins", new io.vertx.core.json.JsonArray())
        .stream().map(String::valueOf).toList());
    router.route().handler(ctx -> {
      // The UI loads only its own scripts and talks only to its own origin: a second line of defence
      // behind building the DOM from text, never from HTML.
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("X-Frame-Options", "DENY")
          .putHeader("Referrer-Policy", "same-origin")
          .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; connect-src 'self';"
              + " img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self';"
              + " frame-ancestors 'none'; form-action 'self'");
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(http.getLong("body_limit_bytes", 1_048_576L)));
    router.get("/api/health").handler(this::health);
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4")
        .end(registry == null ? "" : registry.scrape()));
    AuthRoutes authRoutes = new AuthRoutes(auth, sessionSeconds);
    authRoutes.mountPublic(router);
    new EventBridge(vertx, auth.tokens(), jobs.repository(), origins).mount(router);
    if (cloud != null) {
      cloud.mountPublic(router); // POST /api/webhooks/{provider}: no session, the signature is the authentication
    }
    router.route("/api/*").handler(new AuthHandler(auth.tokens(), origins));
    authRoutes.mount(router);
    new EventStream(sse.getInteger("max_streams_per_address", 5), sse.getLong("heartbeat_seconds", 15L) * 1000).mount(router);
    new ManagementRoutes(jobs, new BulkActions(jobs, pool), new Templates(pool, jobs.submissions()), new Analytics(pool))
        .mount(router);
    new JobRoutes(jobs).mount(router);
    new ArtifactRoutes(jobs).mount(router);
    if (cloud != null) {
      cloud.mount(router);
    }
    router.route("/api/*").handler(ctx -> ctx.fail(ApiException.notFound("No such route: " + ctx.request().path())));
    router.route().failureHandler(Problems::handle);
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86400));
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
    // Deep links (/jobs, /jobs/{id}, /analytics, ...) are pages of the single-page UI.
    router.getWithRegex("/(?!api/|eventbus|webjars/|metrics)[A-Za-z0-9_/-]*").handler(ctx ->
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").sendFile("webroot/index.html").onFailure(ctx::fail));
    router.errorHandler(404, ctx -> Problems.send(ctx, 404, "Not found", null));
    router.errorHandler(405, ctx -> Problems.send(ctx, 405, "Method not allowed", null));
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setCompressionSupported(true))
        .requestHandler(router)
        .listen(http.getInteger("port", 8080), http.getString("host", "127.0.0.1"))
        .onSuccess(s -> server = s);
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
    pool.query("SELECT 1").execute()
        .map("ok").otherwise("down")
        .compose(db -> poller.map(db))
        .onSuccess(db -> ctx.response().setStatusCode("ok".equals(db) ? 200 : 503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "ok".equals(db) ? "ok" : "degraded").put("db", db)
                .put("node_id", jobs.nodeId()).put("cluster_members", 1).put("poller", poller.result()).encode()));
  }
}
