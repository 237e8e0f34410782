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
