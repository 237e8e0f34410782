package io.trainyard.providers;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Audit finding 7: a sync by one user must never take another user's cloud job: not one whose
 * submission is still in flight, not one another user deleted, and never by changing an owner.
 * Each test starts with an empty fake account.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudSyncOwnershipTest {
  private CloudFixture fx;
  private Api alice;
  private Api bob;

  @BeforeAll
  void start() {
    fx = CloudFixture.start(c -> c.getJsonObject("background").getJsonObject("job_status_polling").put("enabled", false));
    alice = fx.server.user("alice", "serial");
    bob = fx.server.user("bob", "serial");
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @BeforeEach
  void emptyAccount() throws Exception {
    fx.fake.reset();
    try (Connection c = fx.server.sql()) {
      c.createStatement().execute("DELETE FROM jobs WHERE provider = 'replicate'");
      c.createStatement().execute("DELETE FROM cloud_forgotten");
    }
  }

  @Test
  void aSyncLeavesAloneAProviderJobThatAnotherUsersSubmissionIsWaitingFor() throws Exception {
    // Alice's submission reached the provider, and its answer is not written yet: her row is pending
    // without an external id, and the provider already lists the job.
    String ext = fx.fake.seed("training", 1, "processing").get(0);
    String version = fx.providerObject(ext).getString("version");
    try (Connection c = fx.server.sql(); PreparedStatement ps = c.prepareStatement("""
        INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, log_path, artifacts_dir)
        VALUES ('job_inflight', 'cloud', 'replicate', 'pending', ?, ?::jsonb, '/nonexistent/output.log', '/nonexistent')""")) {
      ps.setLong(1, alice.userId());
      ps.setString(2, new JsonObject().put("kind", "training").put("version", "outside/model:" + version).encode());
      ps.executeUpdate();
    }
    JsonObject sync = bob.post("/api/cloud/jobs/sync", null).expect(200).json();
    assertEquals(0, sync.getInteger("synced"), sync.encode());
    assertEquals(List.of(), owners(ext), "nobody imported the job Alice's submission is waiting for");
  }

  @Test
  void aJobOneUserDeletedIsNotImportedAgainByAnyonesSync() throws Exception {
    String ext = fx.fake.seed("prediction", 1, "succeeded").get(0);
    assertEquals(1, alice.post("/api/cloud/jobs/sync", null).expect(200).json().getInteger("synced"));
    String id = alice.get("/api/cloud/jobs").expect(200).json().getJsonArray("jobs").getJsonObject(0).getString("job_id");
    alice.delete("/api/jobs/" + id).expect(200);
    assertEquals(0, bob.post("/api/cloud/jobs/sync", null).expect(200).json().getInteger("synced"));
    assertEquals(0, alice.post("/api/cloud/jobs/sync", null).expect(200).json().getInteger("synced"));
    assertEquals(List.of(), owners(ext));
  }

  @Test
  void aSyncNeverChangesTheOwnerOfAJobItFinds() throws Exception {
    String ext = fx.fake.seed("training", 1, "processing").get(0);
    assertEquals(1, alice.post("/api/cloud/jobs/sync", null).expect(200).json().getInteger("synced"));
    fx.fake.advance(ext, "succeeded");
    JsonObject bobs = bob.post("/api/cloud/jobs/sync", null).expect(200).json();
    assertEquals(0, bobs.getInteger("synced"), bobs.encode());
    assertEquals(List.of(alice.userId()), owners(ext));
    assertEquals(0, bob.get("/api/cloud/jobs").expect(200).json().getLong("total"));
  }

  private List<Long> owners(String externalId) throws Exception {
    try (Connection c = fx.server.sql(); PreparedStatement ps = c.prepareStatement(
        "SELECT owner_user_id FROM jobs WHERE provider = 'replicate' AND external_id = ?")) {
      ps.setString(1, externalId);
      ResultSet rs = ps.executeQuery();
      List<Long> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    }
  }
}
