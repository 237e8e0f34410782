package io.trainyard.ui;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resources, time limit and retries in the submit form and on the job page; notification endpoints on the account page. */
class ExecutionUiTest extends UiTest {

  @Override
  protected void configure(JsonObject conf) {
    super.configure(conf);
    conf.put("node", new JsonObject().put("gpus", new JsonArray().add("0").add("1")));
    AppConfig.put(conf, "notifications.allow_private", true);
  }

  @Test
  void aJobAskingForAGpuATimeLimitAndRetriesShowsWhatItGotOnItsPage() {
    Browser b = signedIn("gia", "serial");
    Api gia = login("gia");
    b.go("/submit/train");
    b.waitUntil(() -> "64".equals(b.$("[data-testid=field-gene_size]").getAttribute("value")), "the form");
    b.type("[data-testid=field-epochs]", "200");
    b.click("[data-testid=execution-editor] summary");
    b.type("[data-testid='field-resources.gpus']", "3");
    b.click("[data-testid=submit-train]");
    b.waitUntil(() -> b.visible("[data-error-for='resources.gpus']"), "the server's error next to the GPU field");
    assertTrue(b.text("[data-error-for='resources.gpus']").contains("no node has more than 2"), b.text("[data-error-for='resources.gpus']"));
    assertEquals(0, gia.get("/api/jobs/counts").json().getLong("total"), "nothing was created");

    b.type("[data-testid='field-resources.gpus']", "1");
    b.type("[data-testid=field-timeout_seconds]", "600");
    b.type("[data-testid=field-max_retries]", "2");
    b.click("[data-testid=submit-train]");
    b.waitUntil(() -> b.path().startsWith("/jobs/job_"), "the job's page");
    String id = b.path().substring("/jobs/".length());
    JsonObject job = gia.job(id);
    assertEquals(new JsonObject().put("gpus", 1), job.getJsonObject("resources"));
    assertEquals(600, job.getInteger("timeout_seconds"));
    assertEquals(2, job.getInteger("max_retries"));

    b.waitUntil(() -> Set.of("0", "1").contains(b.text("[data-testid=assigned-gpus]")), "the GPU it holds, live");
    assertEquals(gia.job(id).getJsonArray("assigned_gpus").getString(0), b.text("[data-testid=assigned-gpus]"));
    assertEquals("1 of 3", b.text("[data-testid=attempt]"));
    assertTrue(b.text("[data-testid=resources]").startsWith("1 GPU"), b.text("[data-testid=resources]"));
    assertTrue(b.text("[data-testid=time-limit]").contains("10"), b.text("[data-testid=time-limit]"));
    gia.post("/api/jobs/" + id + "/cancel", null).expect(200);
    gia.awaitStatus(id, "canceled");
  }

  @Test
  void notificationEndpointsAreAddedWithTheirSecretShownOnceAndRemovedFromTheAccountPage() {
    Browser b = signedIn("nia", "serial");
    Api nia = login("nia");
    b.click("[data-testid=current-user]");
    b.waitFor("[data-testid=notification-form]");
    b.type("[data-testid=notification-url]", "ftp://example.com/x");
    b.click("[data-testid=notification-create]");
    b.waitUntil(() -> b.visible("[data-error-for=url]"), "the server's error next to the URL");

    b.type("[data-testid=notification-url]", "http://127.0.0.1:9/hook");
    b.click("[data-testid=notification-event-canceled]");
    b.click("[data-testid=notification-create]");
    b.waitFor("[data-testid=notification-secret-value]");
    assertTrue(b.text("[data-testid=notification-secret-value]").startsWith("whsec_"));
    b.waitUntil(() -> b.$$("[data-testid=notification-row]").size() == 1, "the endpoint listed");
    JsonObject listed = nia.get("/api/notifications").json().getJsonArray("items").getJsonObject(0);
    assertEquals(new JsonArray().add("job.succeeded").add("job.failed").add("job.canceled"), listed.getJsonArray("events"));
    assertEquals(listed.getString("id"), b.attr("[data-testid=notification-row]", "data-endpoint-id"));

    b.click("[data-testid=notification-delete]");
    b.confirmDialog();
    b.waitUntil(() -> b.$$("[data-testid=notification-row]").isEmpty(), "the endpoint removed");
    assertEquals(0, nia.get("/api/notifications").json().getJsonArray("items").size());
  }
}
