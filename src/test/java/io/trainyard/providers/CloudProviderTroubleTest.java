package io.trainyard.providers;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.Await;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wrong token, an unreachable provider and no token at all: problems and {valid: false}, never a 500. */
class CloudProviderTroubleTest {
  /** Poll cycles against the dead provider the running job must outlive. */
  private static final int FAILED_CYCLES = 3;

  /** The poller's consecutive failed cycles against Replicate, as {@code GET /api/health} shows them (0 before any). */
  private static int failedCycles(TestServer server) {
    JsonObject providers = server.api().get("/api/health").expect(200).json().getJsonObject("poller").getJsonObject("providers");
    JsonObject replicate = providers == null ? null : providers.getJsonObject("replicate");
    return replicate == null ? 0 : replicate.getInteger("consecutive_failures", 0);
  }

  @Test
  void aWrongTokenIsInvalidAndSubmissionsAnswer502WithTheProvidersMessage() {
    try (CloudFixture fx = CloudFixture.start(conf -> AppConfig.put(conf, "providers.replicate.api_token", "r8_wrong"))) {
      Api admin = fx.server.admin();
      JsonObject v = admin.get("/api/cloud/providers/replicate/validate").expect(200).json();
      assertFalse(v.getBoolean("valid"));
      assertTrue(v.getString("detail").contains("401") && v.getString("detail").contains("valid authentication token"),
          v.encode());
      JsonObject p = admin.post("/api/cloud/jobs", CloudFixture.training("nope")).problem(502);
      assertTrue(p.getString("detail").contains("valid authentication token"), p.encode());
      admin.post("/api/cloud/jobs/sync", null).problem(502);
      assertEquals(0, admin.get("/api/cloud/jobs").json().getInteger("total"), "a refused submission leaves nothing");
    }
  }

  @Test
  void anUnreachableProviderAnswers503AndSyncActiveStillListsWithSyncError() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    int port = closed;
    try (TestServer server = TestServer.start(conf -> {
      AppConfig.put(conf, "providers.replicate.base_url", "http://127.0.0.1:" + port);
      AppConfig.put(conf, "providers.replicate.api_token", "r8_any");
      AppConfig.put(conf, "background.job_status_polling.interval_ms", 200);
    })) {
      Api admin = server.admin();
      JsonObject v = admin.get("/api/cloud/providers/replicate/validate").expect(200).json();
      assertFalse(v.getBoolean("valid"));
      assertTrue(v.getString("detail").contains("unreachable"), v.encode());
      JsonObject p = admin.post("/api/cloud/jobs", CloudFixture.training("x")).problem(503);
      assertTrue(p.getString("detail").contains("unreachable"), p.encode());
      admin.post("/api/cloud/jobs/sync", null).problem(503);

      // A job submitted before the provider went away keeps running here, whatever the poller sees.
      try (Connection c = server.sql(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, external_id, started_at) "
            + "VALUES ('job_cloudorphan1', 'cloud', 'replicate', 'running', " + admin.userId()
            + ", '{\"kind\":\"training\"}', 'gone123', now())");
      }
      int before = failedCycles(server); // failures from here on are cycles that had this job to refresh
      JsonObject listed = admin.get("/api/cloud/jobs?sync_active=true").expect(200).json();
      assertNotNull(listed.getString("sync_error"));
      assertTrue(listed.getString("sync_error").contains("unreachable"), listed.encode());
      assertEquals(1, listed.getInteger("total"));
      admin.post("/api/cloud/jobs/job_cloudorphan1/cancel", null).problem(503);
      // Several poll cycles that tried the dead provider with the job active: each one counts a failure.
      Await.until("poll cycles to fail against the dead provider (from " + before + " failures)", Duration.ofSeconds(30),
          () -> failedCycles(server), n -> n >= before + FAILED_CYCLES);
      JsonObject job = admin.job("job_cloudorphan1");
      assertEquals("running", job.getString("status"));
      JsonObject health = server.api().get("/api/health").expect(200).json();
      assertEquals("backing_off", health.getJsonObject("poller").getString("state"), health.encode());
    }
  }

  @Test
  void withoutATokenNothingIsSentAndEverythingSaysHowToConfigureIt() {
    try (TestServer server = TestServer.start(conf -> { })) {
      Api admin = server.admin();
      JsonObject v = admin.get("/api/cloud/providers/replicate/validate").expect(200).json();
      assertFalse(v.getBoolean("valid"));
      assertTrue(v.getString("detail").contains("REPLICATE_API_TOKEN"), v.encode());
      JsonObject p = admin.post("/api/cloud/jobs", CloudFixture.training("x")).problem(503);
      assertTrue(p.getString("detail").contains("REPLICATE_API_TOKEN"));
      admin.post("/api/cloud/jobs/sync", null).problem(503);
      JsonObject listed = admin.get("/api/cloud/jobs?sync_active=true").expect(200).json();
      assertEquals(null, listed.getValue("sync_error"), "no active cloud jobs: nothing to complain about");
      JsonObject poller = server.api().get("/api/health").expect(200).json().getJsonObject("poller");
      assertTrue(poller.getBoolean("enabled"), "auto without a webhook URL");
    }
  }
}
