package io.trainyard.jobs;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is a 400/404/413 problem naming the field, and never creates or runs anything. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobValidationTest {
  private TestServer server;
  private Api user;
  private Path marker;

  @BeforeAll
  void start() throws IOException {
    marker = Files.createTempDirectory("trainyard-pwned").resolve("pwned");
    server = TestServer.start();
    user = server.user("val", "serial");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @AfterEach
  void nothingWasCreatedOrExecuted() throws IOException {
    assertEquals(0, user.get("/api/jobs").expect(200).json().getLong("total"));
    try (Stream<Path> dirs = Files.list(server.dataDir().resolve("artifacts/jobs"))) {
      assertEquals(0, dirs.count(), "no job directory may exist");
    }
    assertFalse(Files.exists(marker), "a shell metacharacter was executed");
  }

  static JsonObject train() {
    return new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4);
  }

  Stream<Arguments> badTrainBodies() {
    return Stream.of(
        Arguments.of("missing dataset_id", train().copy().putNull("dataset_id"), "dataset_id"),
        Arguments.of("missing gene_size", new JsonObject().put("dataset_id", "demo").put("output_dim", 4), "gene_size"),
        Arguments.of("string for int", train().put("gene_size", "64"), "gene_size"),
        Arguments.of("float for int", train().put("output_dim", 4.0), "output_dim"),
        Arguments.of("fraction for int", train().put("batch_size", 12.5), "batch_size"),
        Arguments.of("negative", train().put("gene_size", -3), "gene_size"),
        Arguments.of("zero", train().put("epochs", 0), "epochs"),
        Arguments.of("too many epochs", train().put("epochs", 10001), "epochs"),
        Arguments.of("huge int", train().put("batch_size", new java.math.BigInteger("99999999999999999999999")), "batch_size"),
        Arguments.of("negative lr", train().put("lr", -0.1), "lr"),
        Arguments.of("string lr", train().put("lr", "0.1"), "lr"),
        Arguments.of("bool as string", train().put("use_drug_structure", "yes"), "use_drug_structure"),
        Arguments.of("float priority", train().put("priority", 1.5), "priority"),
        Arguments.of("unknown dataset", train().put("dataset_id", "nope"), "dataset_id"),
        Arguments.of("traversal dataset", train().put("dataset_id", "../../etc/passwd"), "dataset_id"),
        Arguments.of("shell metacharacters", train().put("dataset_id", "demo; touch " + marker), "dataset_id"),
        Arguments.of("shell in control id", train().put("control_dataset_id", "$(touch " + marker + ")"), "control_dataset_id"),
        Arguments.of("object for string", train().put("dataset_id", new JsonObject()), "dataset_id"),
        Arguments.of("unknown field", train().put("epoch", 3), "epoch"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTrainBodies")
  void badTrainSubmissionIsA400NamingTheField(String why, JsonObject body, String field) {
    JsonObject p = user.post("/api/jobs/train", body).problem(400);
    assertTrue(fields(p).contains(field), why + ": " + p.encode());
    assertTrue(p.getString("detail").contains(field), p.encode());
  }

  @Test
  void everyBadFieldIsNamedInOneAnswer() {
    JsonObject p = user.post("/api/jobs/train", new JsonObject().put("gene_size", "x").put("lr", 0)).problem(400);
    assertTrue(fields(p).containsAll(java.util.List.of("dataset_id", "gene_size", "output_dim", "lr")), p.encode());
  }

  @Test
  void nonJsonArraysAndEmptyBodiesAre400() {
    assertEquals("body", fields(user.postRaw("/api/jobs/train", "{not json").problem(400)).get(0));
    assertEquals("body", fields(user.postRaw("/api/jobs/train", "[1,2]").problem(400)).get(0));
    assertEquals("body", fields(user.postRaw("/api/jobs/predict", "").problem(400)).get(0));
    assertEquals("body", fields(user.postRaw("/api/jobs/train", "42").problem(400)).get(0));
  }

  @Test
  void nulCharactersAnywhereAre400NamingTheFieldAndOddIdsAre404OrMissing() {
    assertEquals("dataset_id", fields(user.post("/api/jobs/train", train().put("dataset_id", "de\u0000mo")).problem(400)).get(0));
    assertEquals("username", fields(server.api().post("/api/auth/login",
        new JsonObject().put("username", "a\u0000b").put("password", "whatever1")).problem(400)).get(0));
    assertEquals("name", fields(user.post("/api/templates", new JsonObject().put("name", "n\u0000")
        .put("job_type", "train").put("params", train())).problem(400)).get(0));
    assertEquals("job_ids[0]", fields(user.post("/api/jobs/bulk-archive",
        new JsonObject().put("job_ids", new JsonArray().add("x\u0000"))).problem(400)).get(0));
    JsonObject odd = user.post("/api/jobs/bulk-archive", new JsonObject().put("job_ids", new JsonArray().add("../etc")))
        .expect(200).json();
    assertEquals(new JsonArray().add("../etc"), odd.getJsonArray("missing"), "an id that cannot exist is simply missing");
    user.delete("/api/templates/%00").problem(404);
    user.post("/api/templates/%00/submit", null).problem(404);
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"dataset_id\":\"" + "a".repeat(1_100_000) + "\"}";
    user.postRaw("/api/jobs/train", big).problem(413);
  }

  @Test
  void predictNeedsExactlyOneModelThatTheCallerOwns() {
    JsonObject base = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4);
    assertTrue(fields(user.post("/api/jobs/predict", base.copy()).problem(400)).contains("model_id"));
    assertTrue(fields(user.post("/api/jobs/predict", base.copy().put("model_id", "mdl_x").put("model_path", "a/b"))
        .problem(400)).contains("model_id"));
    assertTrue(fields(user.post("/api/jobs/predict", base.copy().put("model_id", "mdl_unknown")).problem(400))
        .contains("model_id"));
  }

  @Test
  void modelPathMustStayInsideTheArtifactsDirectory() throws IOException {
    Path outside = Files.createTempFile("model", ".json");
    JsonObject base = new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4);
    for (String path : new String[] {"../../../etc/passwd", "/etc/passwd", outside.toString(), "jobs/../../x",
        "model.json; touch " + marker, "does/not/exist.json"}) {
      JsonObject p = user.post("/api/jobs/predict", base.copy().put("model_path", path)).problem(400);
      assertEquals("model_path", fields(p).get(0), path + " -> " + p.encode());
    }
  }

  @Test
  void unknownOrMalformedIdsInThePathAre404() {
    for (String id : new String[] {"job_nope", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "x".repeat(100)}) {
      user.get("/api/jobs/" + id).problem(404);
      user.get("/api/jobs/" + id + "/log").problem(404);
      user.post("/api/jobs/" + id + "/cancel", null).problem(404);
      user.delete("/api/jobs/" + id).problem(404);
    }
    user.get("/api/results/..%2F..%2Fetc").problem(404);
    user.get("/api/nothing-here").problem(404);
  }

  @Test
  void badQueryParametersAre400NamingThem() {
    assertEquals("limit", fields(user.get("/api/jobs?limit=1001").problem(400)).get(0));
    assertEquals("limit", fields(user.get("/api/jobs?limit=abc").problem(400)).get(0));
    assertEquals("offset", fields(user.get("/api/jobs?offset=-1").problem(400)).get(0));
    assertEquals("status", fields(user.get("/api/jobs?status=bogus").problem(400)).get(0));
    assertEquals("job_type", fields(user.get("/api/jobs?job_type=bogus").problem(400)).get(0));
    assertEquals("scope", fields(user.post("/api/jobs/flush?scope=everything", null).problem(400)).get(0));
    assertEquals("force", fields(user.post("/api/jobs/flush?force=maybe", null).problem(400)).get(0));
  }

  static java.util.List<String> fields(JsonObject problem) {
    JsonArray errors = problem.getJsonArray("errors", new JsonArray());
    return errors.stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }
}
