package io.trainyard.jobs;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.trainyard.jobs.JobValidationTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/jobs/batch} against a real server: every entry is checked as its single route
 * would check it, bad entries are named {@code jobs[i].field} all at once, and a batch is created
 * whole, in request order, or not at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchApiTest {
  private TestServer server;
  private Api admin;
  private Api alice;
  private Api bob;

  @BeforeAll
  void start() {
    server = TestServer.start();
    admin = server.admin();
    alice = server.user("alice", "parallel");
    bob = server.user("bob", "serial");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static JsonObject train() {
    return new JsonObject().put("job_type", "train").put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4)
        .put("epochs", 1);
  }

  static JsonObject predict() {
    return new JsonObject().put("job_type", "predict").put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4);
  }

  static JsonObject batch(JsonObject... entries) {
    JsonArray jobs = new JsonArray();
    Stream.of(entries).forEach(jobs::add);
    return new JsonObject().put("jobs", jobs);
  }

  /** As {@code curl -d} sends it: JSON under a form content type, as the README's examples do. */
  private Api.Res postAsForm(Api who, String path, String body) {
    return who.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void aLargeBatchSentAsAFormIsReadAsJsonAndAnUndecodableFormIsA413NotA500() {
    Api carl = server.user("form-carl", "parallel");
    JsonArray jobs = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      jobs.add(train().put("lr", 0.001 * (i + 1)));
    }
    JsonObject big = new JsonObject().put("jobs", jobs);
    assertTrue(big.encode().length() > 50_000, "far beyond the form decoder's default 8 KiB field");
    assertEquals(1000, postAsForm(carl, "/api/jobs/batch", big.encode()).expect(200).json().getJsonArray("jobs").size());
    String manyFields = "a=1&".repeat(5000);
    JsonObject problem = postAsForm(carl, "/api/jobs/batch", manyFields).problem(413);
    assertTrue(problem.getString("detail").contains("JSON"), problem.encode());
    assertEquals(1000L, carl.get("/api/jobs/counts").json().getLong("total"), "the refused body created nothing");
  }

  @Test
  void aMixedBatchCreatesEveryJobInRequestOrderWithItsOwnTypeAndParams() {
    String trained = alice.awaitStatus(alice.train(new JsonObject()).getString("job_id"), "success").getString("job_id");

    JsonArray created = alice.post("/api/jobs/batch", batch(
            train().put("lr", 0.01).put("priority", 5),
            predict().put("depends_on", trained),
            train().put("batch_size", 32).put("epochs", 2)))
        .expect(200).json().getJsonArray("jobs");

    assertEquals(3, created.size());
    JsonObject first = created.getJsonObject(0);
    JsonObject second = created.getJsonObject(1);
    JsonObject third = created.getJsonObject(2);
    assertEquals(List.of("train", "predict", "train"), created.stream()
        .map(j -> ((JsonObject) j).getString("job_type")).toList());
    assertEquals(0.01, first.getJsonObject("params").getDouble("lr"));
    assertEquals(5, first.getInteger("priority"));
    assertEquals(64, first.getJsonObject("params").getInteger("batch_size"), "defaults are filled in as for one job");
    assertEquals(trained, second.getString("depends_on"));
    assertNull(second.getJsonObject("params").getString("model_id"), "the model comes from the train dependency");
    assertEquals(32, third.getJsonObject("params").getInteger("batch_size"));
    assertEquals(2, third.getJsonObject("params").getInteger("epochs"));
    for (Object o : created) {
      JsonObject job = (JsonObject) o;
      assertEquals("queued", job.getString("status"), "answered as committed, before any could start");
      assertEquals(alice.userId(), job.getLong("owner_user_id"));
      assertNotNull(job.getLong("queue_position"), job.encode());
    }

    List<String> listed = alice.get("/api/jobs?limit=1000").expect(200).json().getJsonArray("items").stream()
        .map(j -> ((JsonObject) j).getString("job_id")).toList();
    created.forEach(j -> assertTrue(listed.contains(((JsonObject) j).getString("job_id")), "listed: " + j));
    // Real jobs: the predict entry runs on its dependency's model.
    JsonObject predicted = alice.awaitStatus(second.getString("job_id"), "success");
    assertNotNull(predicted.getString("result_id"), predicted.encode());
  }

  @Test
  void badEntriesAreAllNamedByIndexAndNothingIsCreated() throws IOException {
    assertNothingCreatedBy(() -> {
      JsonObject p = alice.post("/api/jobs/batch", batch(
              train(),
              train().put("gene_size", -3),
              predict().put("model_path", "does/not/exist.json"),
              train().put("dataset_id", "nope"),
              train()))
          .problem(400);
      assertEquals(List.of("jobs[1].gene_size", "jobs[2].model_path", "jobs[3].dataset_id"), fields(p), p.encode());
      assertTrue(p.getString("detail").contains("jobs[1].gene_size"), p.encode());
      assertTrue(p.getString("detail").contains("jobs[3].dataset_id"), p.encode());
    });
  }

  Stream<Arguments> badBatches() {
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < BatchRequest.MAX_JOBS + 1; i++) {
      tooMany.add(train());
    }
    return Stream.of(
        Arguments.of("no jobs", new JsonObject(), List.of("jobs")),
        Arguments.of("empty list", new JsonObject().put("jobs", new JsonArray()), List.of("jobs")),
        Arguments.of("not a list", new JsonObject().put("jobs", train()), List.of("jobs")),
        Arguments.of("1,001 entries", new JsonObject().put("jobs", tooMany), List.of("jobs")),
        Arguments.of("unknown top-level field", batch(train()).put("job", 1), List.of("job")),
        Arguments.of("entries that are not objects", new JsonObject().put("jobs", new JsonArray().add(train()).add(1)
            .add("train").addNull().add(new JsonArray())), List.of("jobs[1]", "jobs[2]", "jobs[3]", "jobs[4]")),
        Arguments.of("missing or other job_type", batch(train().put("job_type", "sweep"), train(),
            train().put("job_type", "cloud"), predict().putNull("job_type"), train().put("job_type", 1),
            predict().put("model_id", "mdl_x").put("job_type", "TRAIN")),
            List.of("jobs[0].job_type", "jobs[2].job_type", "jobs[3].job_type", "jobs[4].job_type", "jobs[5].job_type")),
        Arguments.of("a sweep", batch(train(), train().put("sweep", new JsonObject().put("lr", new JsonArray().add(0.1)))),
            List.of("jobs[1].sweep")),
        Arguments.of("fields of the other type", batch(train().put("model_id", "mdl_x"), predict().put("epochs", 3)),
            List.of("jobs[0].model_id", "jobs[1].epochs", "jobs[1].model_id")),
        Arguments.of("unknown ids", batch(train().put("depends_on", "job_nope"), predict().put("model_id", "mdl_nope")),
            List.of("jobs[0].depends_on", "jobs[1].model_id")),
        Arguments.of("a NUL character", batch(train(), train().put("dataset_id", "de\u0000mo")),
            List.of("jobs[1].dataset_id")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBatches")
  void aBatchOfTheWrongShapeIsA400NamingWhereAndCreatesNothing(String why, JsonObject body, List<String> expected)
      throws IOException {
    assertNothingCreatedBy(() -> {
      JsonObject p = alice.post("/api/jobs/batch", body).problem(400);
      assertEquals(expected, fields(p), why + ": " + p.encode());
    });
  }

  @Test
  void aBodyThatIsNotAJsonObjectIs400() throws IOException {
    assertNothingCreatedBy(() -> {
      assertEquals(List.of("body"), fields(alice.postRaw("/api/jobs/batch", "[" + train().encode() + "]").problem(400)));
      assertEquals(List.of("body"), fields(alice.postRaw("/api/jobs/batch", "{\"jobs\": [").problem(400)));
      assertEquals(List.of("body"), fields(alice.postRaw("/api/jobs/batch", "").problem(400)));
    });
  }

  @Test
  void aBodyOverOneMebibyteIs413() throws IOException {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < BatchRequest.MAX_JOBS; i++) {
      entries.add(train().put("dataset_id", "d".repeat(1100))); // ~1.2 MB in all
    }
    assertNothingCreatedBy(() -> alice.post("/api/jobs/batch", new JsonObject().put("jobs", entries)).problem(413));
  }

  @Test
  void anotherUsersJobOrModelIsUnknownToABatchAsToASingleSubmission() throws IOException {
    JsonObject alicesJob = alice.awaitStatus(alice.train(new JsonObject()).getString("job_id"), "success");
    String alicesModel = alicesJob.getString("model_id");
    assertNotNull(alicesModel);
    assertNothingCreatedBy(() -> {
      JsonObject p = bob.post("/api/jobs/batch", batch(
              train(),
              train().put("depends_on", alicesJob.getString("job_id")),
              predict().put("model_id", alicesModel)))
          .problem(400);
      assertEquals(List.of("jobs[1].depends_on", "jobs[2].model_id"), fields(p), p.encode());
    });
    // The owner herself may use both.
    alice.post("/api/jobs/batch", batch(predict().put("model_id", alicesModel)
        .put("depends_on", alicesJob.getString("job_id")))).expect(200);
  }

  @Test
  void aThousandEntriesAreAcceptedAndAnsweredInOrder() {
    // They depend on a slow job that is then canceled, so they wait queued and then all fail in the
    // cancel's transaction, instead of running 1,000 programs.
    String failed = bob.train(new JsonObject().put("epochs", 400)).getString("job_id");
    JsonArray entries = new JsonArray();
    for (int i = 0; i < BatchRequest.MAX_JOBS; i++) {
      entries.add(train().put("depends_on", failed).put("epochs", 1 + i % 50).put("priority", i % 3 == 0 ? 1 : 0));
    }
    long before = bob.get("/api/jobs").json().getLong("total");

    JsonArray created = bob.post("/api/jobs/batch", new JsonObject().put("jobs", entries)).expect(200).json()
        .getJsonArray("jobs");

    assertEquals(BatchRequest.MAX_JOBS, created.size());
    long lastPosition = 0;
    for (int i = 0; i < created.size(); i++) {
      JsonObject job = created.getJsonObject(i);
      assertEquals(1 + i % 50, job.getJsonObject("params").getInteger("epochs"), "entry " + i + " answered in place");
      assertEquals(failed, job.getString("depends_on"));
      if (i % 3 != 0) {
        // Same priority: queued in request order, behind every priority-1 entry of the batch.
        long position = job.getLong("queue_position");
        assertTrue(position > lastPosition && position > 334, "entry " + i + ": " + position);
        lastPosition = position;
      }
    }
    assertEquals(before + BatchRequest.MAX_JOBS, bob.get("/api/jobs").json().getLong("total"));
    bob.post("/api/jobs/" + failed + "/cancel", null).expect(200);
    String last = created.getJsonObject(created.size() - 1).getString("job_id");
    assertTrue(bob.awaitStatus(last, "failed").getString("error").contains(failed));
  }

  @Test
  void withoutCredentialsABatchIs401AndCreatesNothing() throws IOException {
    assertNothingCreatedBy(() -> server.api().post("/api/jobs/batch", batch(train())).problem(401));
  }

  /** Runs {@code request} and checks it created no job and no job directory. */
  private void assertNothingCreatedBy(Runnable request) throws IOException {
    Supplier<Long> total = () -> admin.get("/api/jobs").expect(200).json().getLong("total");
    long jobs = total.get();
    request.run();
    assertEquals(jobs, total.get(), "no job may be created");
  }
}
