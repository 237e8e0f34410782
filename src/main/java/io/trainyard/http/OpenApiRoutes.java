package io.trainyard.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.List;
import java.util.Map;

/**
 * The API's own description: {@code GET /api/openapi.json} and Swagger UI at {@code /api/docs}, both
 * public (mounted before the session check) so a client can learn the API before it signs in. The
 * document is kept as YAML in the repository, where people read and review it, and converted once.
 */
final class OpenApiRoutes {
  static final String DOCUMENT = "openapi/openapi.yaml";
  private static final String DOCS = "openapi/docs/";
  private final Future<Buffer> json;

  OpenApiRoutes(Vertx vertx) {
    this.json = vertx.fileSystem().readFile(DOCUMENT).map(yaml -> toJson(yaml.toString()).toBuffer());
  }

  /** Completes once the document is read; a document that does not parse fails the server's start. */
  Future<?> ready() {
    return json;
  }

  void mount(Router router) {
    router.get("/api/openapi.json").handler(ctx -> json
        .onSuccess(doc -> ctx.response().putHeader("Content-Type", "application/json").end(doc))
        .onFailure(ctx::fail));
    // Swagger UI's own files come from its webjar under /webjars; this page and its initializer are
    // separate files because the Content-Security-Policy allows no inline script.
    router.get("/api/docs").handler(ctx -> send(ctx, "index.html", "text/html; charset=utf-8"));
    router.get("/api/docs/swagger-init.js").handler(ctx -> send(ctx, "swagger-init.js", "text/javascript; charset=utf-8"));
  }

  private static void send(RoutingContext ctx, String file, String type) {
    ctx.response().putHeader("Content-Type", type).sendFile(DOCS + file).onFailure(ctx::fail);
  }

  /** YAML to JSON. SafeConstructor: the document builds plain maps and lists, never arbitrary objects. */
  static JsonObject toJson(String yaml) {
    Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return (JsonObject) plain(tree);
  }

  /** YAML reads an unquoted {@code 200:} key as a number; JSON object keys are strings. */
  private static Object plain(Object node) {
    if (node instanceof Map<?, ?> map) {
      JsonObject out = new JsonObject();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      JsonArray out = new JsonArray();
      list.forEach(v -> out.add(plain(v)));
      return out;
    }
    return node;
  }
}
