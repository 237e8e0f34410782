package io.trainyard.retention;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention archives finished jobs past their age and deletes archived ones (with their artifacts)
 * past theirs, with the archive and delete code of the routes; active and young jobs stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionTest {
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(conf -> conf.put("retention", new JsonObject()
        .put("archive_terminal_after_hours", 1).put("delete_archived_after_days", 2)));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private JsonObject runPass() {
    return server.vertx().eventBus().<JsonObject>request(RetentionApi.RUN, null).await().body();
  }

  private void sql(String statement) throws Exception {
    try (Statement st = server.sql().createStatement()) {
      st.executeUpdate(statement);
    }
  }

  @Test
  void oldFinishedJobsAreArchivedThenDeletedWithTheirArtifactsWhileActiveAndYoungJobsStay() throws Exception {
    Api u = server.user("keeper-of-nothing", "parallel");
    JsonObject old = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success");
    String oldId = old.getString("job_id");
    String youngId = u.awaitStatus(u.train(new JsonObject()).getString("job_id"), "success").getString("job_id");
    String liveId = u.awaitStatus(u.train(new JsonObject().put("epochs", 400)).getString("job_id"), "running")
        .getString("job_id");
    Path artifacts = Path.of(old.getString("artifacts_dir"));
    assertTrue(Files.isDirectory(artifacts));
    // Age the finished job and the running one past the archive threshold; the young one stays young.
    sql("UPDATE jobs SET updated_at = now() - interval '3 hours' WHERE job_id IN ('" + oldId + "', '" + liveId + "')");

    JsonObject first = runPass();
    assertEquals(1, first.getInteger("archived"), first.encode());
    assertEquals(0, first.getInteger("deleted"), "archived just now: not old enough to delete");
    assertNotNull(u.job(oldId).getString("archived_at"));
    assertNull(u.job(youngId).getString("archived_at"), "finished an instant ago");
    assertNull(u.job(liveId).getString("archived_at"), "a running job is never archived by retention");

    sql("UPDATE jobs SET archived_at = now() - interval '3 days' WHERE job_id = '" + oldId + "'");
    JsonObject second = runPass();
    assertEquals(1, second.getInteger("deleted"), second.encode());
    u.get("/api/jobs/" + oldId).problem(404);
    assertFalse(Files.exists(artifacts), "its artifacts are purged, as by the delete route");
    assertEquals("running", u.job(liveId).getString("status"));
    assertEquals(0, runPass().getInteger("deleted"), "nothing more to do");
  }
}
