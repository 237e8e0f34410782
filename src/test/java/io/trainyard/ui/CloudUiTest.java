package io.trainyard.ui;

import io.trainyard.app.AppConfig;
import io.trainyard.providers.fake.FakeReplicate;
import io.trainyard.testing.Api;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cloud panel against the bundled fake Replicate: sync with spinner and toast, submit, cost. */
class CloudUiTest extends UiTest {
  private static final String TOKEN = "r8_ui_test_token";
  private Vertx vertx;
  private FakeReplicate fake;

  @Override
  protected void configure(JsonObject conf) {
    super.configure(conf);
    vertx = Vertx.vertx();
    fake = FakeReplicate.start(vertx, 0, TOKEN).await();
    AppConfig.put(conf, "providers.replicate.base_url", fake.url());
    AppConfig.put(conf, "providers.replicate.api_token", TOKEN);
    AppConfig.put(conf, "background.job_status_polling.interval_ms", 200);
  }

  @AfterAll
  void stopFake() {
    if (fake != null) {
      fake.close().await();
      vertx.close().await();
    }
  }

  @Test
  void syncShowsASpinnerAndTheProvidersMessageThenTheListAndCountsRefresh() {
    fake.seed("prediction", 3, "succeeded");
    Browser b = signedIn("cleo", "parallel");
    Api cleo = login("cleo");
    b.click("a[data-nav='/cloud']");
    b.waitFor("[data-testid=cloud-form]");
    b.waitUntil(() -> "0".equals(b.text("[data-testid=cloud-count-total]")), "an empty cloud list");
    b.js("window.__spinner = false; new MutationObserver(() => { if (document.querySelector('[data-testid=sync-spinner]')) window.__spinner = true; })"
        + ".observe(document.body, {subtree: true, childList: true});");
    b.click("[data-testid=cloud-sync]");
    b.waitUntil(() -> b.text("[data-testid=toast]").contains("Discovered 3 new jobs from Replicate"), "the sync toast");
    assertEquals(Boolean.TRUE, b.js("return window.__spinner"), "a spinner while syncing");
    b.waitUntil(() -> b.$$("[data-testid=cloud-row]").size() == 3, "the discovered jobs in the list");
    assertEquals("3", b.text("[data-testid=cloud-count-total]"));
    assertTrue(b.text("[data-testid=cloud-row] [data-testid=cloud-cost]").startsWith("$"), "a cost column");
    b.waitUntil(() -> !"true".equals(b.attr("[data-testid=cloud-sync]", "aria-busy")), "the sync button to settle");
    assertEquals(3, cleo.get("/api/cloud/jobs").json().getInteger("total"));

    b.click("a[data-nav='/jobs']");
    b.waitUntil(() -> "3".equals(b.text("[data-testid=count-total]")), "the job center counts");
    b.click("[data-testid=type-filter]");
    b.select("[data-testid=type-filter]", "cloud");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "cloud jobs in the job center");
    assertTrue(b.$("[data-testid=job-row] [data-testid=job-cost]").getText().startsWith("$"));
  }

  @Test
  void aCloudPredictionSubmittedFromTheFormRunsToSuccessLive() {
    fake.autopilot(true, 100, 5);
    Browser b = signedIn("cory", "parallel");
    b.awaitLive();
    b.go("/cloud");
    b.waitFor("[data-testid=cloud-form]");
    b.click("[data-testid=submit-cloud]");
    b.waitFor("[data-error-for=version]");
    assertTrue(b.text("[data-error-for=version]").contains("required"), b.text("[data-error-for=version]"));

    b.type("[data-testid=cloud-version]", "acme/sdxl:39ed52f2a7");
    b.select("[data-testid=cloud-hardware]", "gpu-t4");
    b.click("[data-testid=submit-cloud]");
    b.waitUntil(() -> b.$$("[data-testid=cloud-row]").size() == 1, "the submitted job in the list");
    b.waitUntil(() -> "success".equals(b.attr("[data-testid=cloud-row]", "data-status")), Browser.WAIT, "success pushed to the page");
    b.waitUntil(() -> b.text("[data-testid=cloud-row] [data-testid=cloud-cost]").startsWith("$0.0"), "its cost");
  }
}
