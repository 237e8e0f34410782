package io.trainyard.http;

import com.networknt.schema.Error;
import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document against the real server: it is public, it lists exactly the routes the server
 * mounts, and the server's recorded answers match the schemas it declares for them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private TestServer server;
  private Api alice;
  private JsonObject doc;
  private OpenApiSchemas schemas;

  @BeforeAll
  void start() {
    server = TestServer.start();
    alice = server.user("alice", "parallel");
    doc = server.api().get("/api/openapi.json").expect(200).json();
    schemas = new OpenApiSchemas(doc);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void documentIsServedWithoutSignInAsOpenApi31Json() {
    Api.Res res = server.api().get("/api/openapi.json").expect(200);
    assertTrue(res.header("Content-Type").startsWith("application/json"), res.header("Content-Type"));
    assertTrue(res.json().getString("openapi").matches("3\\.1\\.\\d+"), res.json().getString("openapi"));
    assertTrue(res.json().getJsonObject("components").getJsonObject("securitySchemes").containsKey("bearerAuth"));
  }

  @Test
  void everyMountedApiRouteIsDocumentedAndEveryDocumentedRouteIsMounted() {
    Set<String> mounted = server.routes().stream()
        .filter(r -> r.contains(" /api/") && !r.contains(" /api/docs"))
        .map(r -> r.replaceAll(":([A-Za-z0-9_]+)", "{$1}"))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = new TreeSet<>();
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).fieldNames().stream()
        .filter(METHODS::contains).forEach(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    assertTrue(mounted.size() > 30, "the router's routes were read: " + mounted);

    Set<String> undocumented = new TreeSet<>(mounted);
    undocumented.removeAll(documented);
    Set<String> unmounted = new TreeSet<>(documented);
    unmounted.removeAll(mounted);
    assertEquals(Set.of(), undocumented, "mounted but not in the document");
    assertEquals(Set.of(), unmounted, "in the document but not mounted");
  }

  @Test
  void recordedAnswersMatchTheDocumentedSchemas() {
    JsonObject trainBody = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1);
    assertConforms(schemas.requestBody("POST", "/api/jobs/train"), trainBody.encode(), "the train body used here");

    Api.Res submitted = alice.post("/api/jobs/train", trainBody).expect(200);
    check("POST", "/api/jobs/train", submitted);
    String id = submitted.json().getJsonObject("job").getString("job_id");
    alice.awaitStatus(id, "success"); // a finished record fills the fields a queued one leaves null
    check("GET", "/api/jobs/{id}", alice.get("/api/jobs/" + id).expect(200));
    check("GET", "/api/jobs", alice.get("/api/jobs?limit=5").expect(200));
    check("GET", "/api/jobs/counts", alice.get("/api/jobs/counts").expect(200));
    check("GET", "/api/me", alice.get("/api/me").expect(200));
    check("GET", "/api/health", server.api().get("/api/health").expect(200));
    check("POST", "/api/auth/login", server.api().post("/api/auth/login",
        new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD)).expect(200));

    Api.Res invalid = alice.post("/api/jobs/train", trainBody.copy().put("gene_size", "x")).expect(400);
    check("POST", "/api/jobs/train", invalid);
    assertFalse(invalid.json().getJsonArray("errors").isEmpty(), invalid.body());
    check("GET", "/api/jobs/{id}", alice.get("/api/jobs/no-such-job").expect(404));
    check("GET", "/api/me", server.api().get("/api/me").expect(401));
  }

  @Test
  void answersAcrossTheApiMatchTheDocumentedSchemas() {
    Api bea = server.user("bea", "parallel");
    JsonObject trained = bea.awaitStatus(bea.train(new JsonObject()).getString("job_id"), "success");
    String id = trained.getString("job_id");
    check("GET", "/api/jobs/{id}/log", bea.get("/api/jobs/" + id + "/log").expect(200));
    check("GET", "/api/jobs/{id}/log", bea.get("/api/jobs/" + id + "/log?offset=0").expect(200));
    check("GET", "/api/jobs/{id}/logs", bea.get("/api/jobs/" + id + "/logs?tail=3").expect(200));
    check("GET", "/api/jobs/{id}/inline-progress", bea.get("/api/jobs/" + id + "/inline-progress").expect(200));
    check("GET", "/api/jobs/{id}/shards", bea.get("/api/jobs/" + id + "/shards").expect(200));
    check("GET", "/api/datasets", bea.get("/api/datasets").expect(200));
    check("GET", "/api/models", bea.get("/api/models").expect(200));

    JsonObject predictBody = new JsonObject().put("dataset_id", "demo").put("model_id", trained.getString("model_id"))
        .put("gene_size", 64).put("output_dim", 4);
    assertConforms(schemas.requestBody("POST", "/api/jobs/predict"), predictBody.encode(), "the predict body used here");
    Api.Res predicted = bea.post("/api/jobs/predict", predictBody).expect(200);
    check("POST", "/api/jobs/predict", predicted);
    String resultId = bea.awaitStatus(predicted.json().getJsonObject("job").getString("job_id"), "success").getString("result_id");
    check("GET", "/api/results", bea.get("/api/results").expect(200));
    check("GET", "/api/results/{id}", bea.get("/api/results/" + resultId).expect(200));

    JsonObject batch = new JsonObject().put("jobs", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("job_type", "train").put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1))
        .add(predictBody.copy().put("job_type", "predict")));
    assertConforms(schemas.requestBody("POST", "/api/jobs/batch"), batch.encode(), "the batch body used here");
    check("POST", "/api/jobs/batch", bea.post("/api/jobs/batch", batch).expect(200));
    check("POST", "/api/jobs/batch", bea.post("/api/jobs/batch", new JsonObject().put("jobs", new io.vertx.core.json.JsonArray())).expect(400));

    Api.Res rerun = bea.post("/api/jobs/" + id + "/rerun", null).expect(200);
    check("POST", "/api/jobs/{id}/rerun", rerun);
    check("POST", "/api/jobs/{id}/cancel", bea.post("/api/jobs/" + rerun.json().getJsonObject("job").getString("job_id") + "/cancel", null).expect(200));
    check("POST", "/api/jobs/{id}/cancel", bea.post("/api/jobs/" + id + "/cancel", null).expect(400));
    JsonObject ids = new JsonObject().put("job_ids", new io.vertx.core.json.JsonArray().add(id).add("no-such-job"));
    check("POST", "/api/jobs/bulk-archive", bea.post("/api/jobs/bulk-archive", ids).expect(200));
    check("POST", "/api/jobs/{id}/unarchive", bea.post("/api/jobs/" + id + "/unarchive", null).expect(200));
    check("POST", "/api/jobs/archive-expired", bea.post("/api/jobs/archive-expired?hours=1000", null).expect(200));
    check("GET", "/api/analytics", bea.get("/api/analytics").expect(200));
    check("GET", "/api/analytics", bea.get("/api/analytics?days=0").expect(400));

    JsonObject template = new JsonObject().put("name", "small").put("job_type", "train").put("params",
        new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1));
    Api.Res saved = bea.post("/api/templates", template).expect(200);
    check("POST", "/api/templates", saved);
    String templateId = saved.json().getJsonObject("template").getString("template_id");
    check("GET", "/api/templates", bea.get("/api/templates").expect(200));
    check("POST", "/api/templates/{id}/submit", bea.post("/api/templates/" + templateId + "/submit",
        new JsonObject().put("overrides", new JsonObject().put("epochs", 2))).expect(200));
    check("DELETE", "/api/templates/{id}", bea.delete("/api/templates/" + templateId).expect(200));

    Api admin = server.admin();
    check("GET", "/api/users", admin.get("/api/users").expect(200));
    Api.Res created = admin.post("/api/users", new JsonObject().put("username", "cyd").put("password", "cyd-secret-1")).expect(200);
    check("POST", "/api/users", created);
    check("PATCH", "/api/users/{id}", admin.patch("/api/users/" + created.json().getJsonObject("user").getLong("id"),
        new JsonObject().put("schedule_mode", "parallel")).expect(200));
    check("GET", "/api/users", bea.get("/api/users").expect(403));
    check("GET", "/api/admin/nodes", admin.get("/api/admin/nodes").expect(200));
    String node = "/api/admin/nodes/" + server.nodeId();
    check("POST", "/api/admin/nodes/{node_id}/drain", admin.post(node + "/drain", null).expect(200));
    check("POST", "/api/admin/nodes/{node_id}/resume", admin.post(node + "/resume", null).expect(200));
    check("POST", "/api/admin/nodes/{node_id}/drain", admin.post("/api/admin/nodes/nobody/drain", null).expect(404));
    check("POST", "/api/admin/nodes/{node_id}/resume", admin.post("/api/admin/nodes/a%20b/resume", null).expect(400));
    check("GET", "/api/admin/nodes", bea.get("/api/admin/nodes").expect(403));

    check("POST", "/api/jobs/bulk-delete", bea.post("/api/jobs/bulk-delete", ids).expect(200));
    check("POST", "/api/jobs/flush", bea.post("/api/jobs/flush?scope=all", null).expect(200));
    check("DELETE", "/api/jobs/{id}", bea.delete("/api/jobs/" + id).expect(404));
    check("POST", "/api/auth/logout", bea.post("/api/auth/logout", null).expect(200));
  }

  @Test
  void validationFailsWhenAnAnswerBreaksTheDocumentedSchema() {
    JsonObject job = alice.train(new JsonObject());
    OpenApiSchemas.Answer oneJob = schemas.response("GET", "/api/jobs/{id}", 200);
    JsonObject answer = new JsonObject().put("job", job);
    assertConforms(oneJob.schema(), answer.encode(), "the job as answered");

    JsonObject noStatus = answer.copy();
    noStatus.getJsonObject("job").remove("status");
    assertRejected(oneJob.schema(), noStatus, "a job without its required status");
    JsonObject badStatus = answer.copy();
    badStatus.getJsonObject("job").put("status", "done");
    assertRejected(oneJob.schema(), badStatus, "a status outside the enum");

    JsonObject problem = alice.get("/api/jobs/no-such-job").expect(404).json();
    problem.remove("instance");
    assertRejected(schemas.response("GET", "/api/jobs/{id}", 404).schema(), problem, "a problem without instance");

    JsonObject me = alice.get("/api/me").expect(200).json();
    me.getJsonObject("user").put("password_hash", "x");
    assertRejected(schemas.response("GET", "/api/me", 200).schema(), me, "a user answer with an extra field");

    JsonObject typo = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epoch", 1);
    assertRejected(schemas.requestBody("POST", "/api/jobs/train"), typo, "a submission with an unknown field");
    assertRejected(schemas.requestBody("POST", "/api/jobs/predict"), new JsonObject().put("dataset_id", "demo")
        .put("gene_size", 64).put("output_dim", 4).put("model_id", "m").put("model_path", "p"), "a predict body with two models");
    assertRejected(schemas.requestBody("POST", "/api/jobs/batch"), new JsonObject().put("jobs", new io.vertx.core.json.JsonArray()
        .add(typo.copy().put("job_type", "train"))), "a batch entry with an unknown field");
  }

  @Test
  void swaggerUiPageLoadsOnlyFilesTheServerServes() {
    Api.Res page = server.api().get("/api/docs").expect(200);
    assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
    assertFalse(page.body().matches("(?s).*<script>.*"), "no inline script: the CSP allows script-src 'self' only");
    Matcher refs = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page.body());
    int count = 0;
    while (refs.find()) {
      server.api().get(refs.group(1)).expect(200);
      count++;
    }
    assertEquals(4, count, "icon, stylesheet, Swagger UI bundle and initializer");
    assertTrue(server.api().get("/api/docs/swagger-init.js").expect(200).body().contains("/api/openapi.json"));
  }

  /** Checks an answer's media type and body against what the document declares for its route and status. */
  private void check(String method, String path, Api.Res res) {
    OpenApiSchemas.Answer declared = schemas.response(method, path, res.status());
    assertTrue(res.header("Content-Type").startsWith(declared.mediaType()),
        method + " " + path + " " + res.status() + ": " + res.header("Content-Type") + " vs " + declared.mediaType());
    assertConforms(declared.schema(), res.body(), method + " " + path + " " + res.status());
  }

  private void assertConforms(JsonObject schema, String json, String what) {
    List<Error> errors = schemas.errors(schema, json);
    assertTrue(errors.isEmpty(), what + " breaks the document: " + errors + "\n" + json);
  }

  private void assertRejected(JsonObject schema, JsonObject json, String what) {
    assertFalse(schemas.errors(schema, json.encode()).isEmpty(), what + " passed validation: " + json.encode());
  }
}
