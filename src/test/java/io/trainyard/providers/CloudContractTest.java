package io.trainyard.providers;

import io.trainyard.http.OpenApiSchemas;
import io.trainyard.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.Base64;

import static io.trainyard.providers.CloudFixture.SECRET;

/**
 * The cloud routes' answers against the OpenAPI document, with the fake Replicate behind them: the
 * same check the local routes get in {@code OpenApiContractTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudContractTest {
  private CloudFixture fx;
  private Api alice;
  private OpenApiSchemas schemas;

  @BeforeAll
  void start() {
    fx = CloudFixture.start(CloudFixture::webhooks);
    fx.fake.webhooks(SECRET, fx.webhookUrl(), true);
    alice = fx.server.user("alice", "serial");
    schemas = new OpenApiSchemas(fx.server.api().get("/api/openapi.json").expect(200).json());
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void cloudAnswersMatchTheDocumentedSchemas() {
    Api.Res submitted = alice.post("/api/cloud/jobs", CloudFixture.training("contract")).expect(200);
    schemas.check("POST", "/api/cloud/jobs", submitted);
    JsonObject job = submitted.json().getJsonObject("job");
    String id = job.getString("job_id");
    schemas.check("POST", "/api/cloud/jobs", alice.post("/api/cloud/jobs", new JsonObject().put("kind", "training")).expect(400));
    schemas.check("GET", "/api/cloud/jobs", alice.get("/api/cloud/jobs").expect(200));
    schemas.check("GET", "/api/cloud/jobs", alice.get("/api/cloud/jobs?sync_active=true").expect(200));
    schemas.check("POST", "/api/cloud/jobs/sync", alice.post("/api/cloud/jobs/sync", null).expect(200));
    schemas.check("GET", "/api/cloud/jobs/{id}/inline-progress", alice.get("/api/cloud/jobs/" + id + "/inline-progress").expect(200));
    schemas.check("GET", "/api/cloud/providers/{provider}/validate", alice.get("/api/cloud/providers/replicate/validate").expect(200));

    JsonObject obj = fx.providerObject(job.getString("external_id")).put("status", "processing");
    schemas.check("POST", "/api/webhooks/{provider}", fx.deliver(obj, "msg_contract_1", Instant.now().getEpochSecond(), SECRET).expect(200));
    schemas.check("POST", "/api/webhooks/{provider}", fx.deliver(obj, "msg_contract_1", Instant.now().getEpochSecond(), SECRET).expect(200));
    String other = "whsec_" + Base64.getEncoder().encodeToString("someone-else-entirely".getBytes());
    schemas.check("POST", "/api/webhooks/{provider}", fx.deliver(obj, "msg_contract_2", Instant.now().getEpochSecond(), other).expect(401));

    schemas.check("POST", "/api/cloud/jobs/{id}/cancel", alice.post("/api/cloud/jobs/" + id + "/cancel", null).expect(200));
    schemas.check("POST", "/api/cloud/jobs/{id}/cancel", alice.post("/api/cloud/jobs/job_nope/cancel", null).expect(404));
  }
}
