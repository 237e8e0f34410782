package io.trainyard.ui;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The predict form (from a trained model), the sweep editor, depends_on and "Edit & resubmit". */
class SubmitFormsUiTest extends UiTest {
  private static final String DETAIL = "[data-testid=job-detail] ";

  private static String jobPage(Browser b, String notId) {
    b.waitUntil(() -> b.path().startsWith("/jobs/job_") && !b.path().endsWith(notId), "a new job's page");
    return b.path().substring("/jobs/".length());
  }

  @Test
  void predictWithATrainedModelThenPreviewAndDownloadThePredictions() {
    server.user("pia", "parallel");
    Api pia = login("pia");
    String train = pia.train(train(2)).getString("job_id");
    String model = pia.awaitStatus(train, "success").getString("model_id");

    Browser b = browser("pia").signIn("pia", password("pia"));
    b.go("/jobs/" + train);
    b.waitFor("[data-testid=model-card]");
    b.click("[data-testid=predict-with-model]");
    b.waitFor("[data-testid=predict-form]");
    b.waitUntil(() -> model.equals(b.js("return document.querySelector('[data-testid=field-model_id]').value")), "the model preselected");
    assertEquals("64", b.$("[data-testid=field-gene_size]").getAttribute("value"));
    b.click("[data-testid=submit-predict]");
    String id = jobPage(b, train);
    b.waitUntil(() -> "success".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "the prediction to finish");
    b.waitFor("[data-testid=result-preview]");
    assertEquals(20, b.$$("[data-testid=result-preview] tbody tr").size(), "a preview of the first 20 rows");
    String href = b.attr("[data-testid=result-download]", "href");
    String result = pia.job(id).getString("result_id");
    assertEquals("/api/results/" + result + "/download", href);
    Object csv = ((org.openqa.selenium.JavascriptExecutor) b.driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done('ERR ' + e));", href);
    assertTrue(String.valueOf(csv).lines().count() > 20, "the whole CSV downloads with the session cookie");
  }

  @Test
  void aSweepFromTheFormCreatesOneShardPerCombination() {
    server.user("swe", "parallel");
    Api swe = login("swe");
    Browser b = browser("swe").signIn("swe", password("swe"));
    b.awaitLive();
    b.go("/submit/train");
    b.waitUntil(() -> "64".equals(b.$("[data-testid=field-gene_size]").getAttribute("value")), "the form");
    b.type("[data-testid=field-epochs]", "2");
    b.click("[data-testid=sweep-editor] summary");
    b.type("[data-testid=sweep-lr]", "0.001, 0.0001");
    b.type("[data-testid=sweep-batch_size]", "32");
    b.waitUntil(() -> b.text("[data-testid=sweep-count]").startsWith("2 combinations"), "the combination count");
    b.click("[data-testid=submit-train]");
    String parent = jobPage(b, "-");
    assertEquals("sweep", swe.job(parent).getString("job_type"));
    b.waitUntil(() -> b.$$("[data-testid=shard-row]").size() == 2, "two shards");
    b.waitUntil(() -> "success".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "the sweep to succeed");
    b.waitUntil(() -> b.$$("[data-testid=shard-row] [data-status=success]").size() == 2, "both shards succeeded");
    String shard = b.attr("[data-testid=shard-row]", "data-job-id");
    assertEquals(parent, swe.job(shard).getString("parent_id"));
    b.click("[data-testid=shard-row] a");
    b.waitUntil(() -> shard.equals(b.text("[data-testid=detail-job-id]")), "the shard's page");
    b.click("[data-testid=parent-id-link]");
    b.waitUntil(() -> parent.equals(b.text("[data-testid=detail-job-id]")), "back on the sweep");
  }

  @Test
  void aDependentJobWaitsShowsItsDependencyAsALinkAndCanBeCloned() {
    server.user("dep", "parallel");
    Api dep = login("dep");
    String first = dep.train(train(40)).getString("job_id");
    Browser b = browser("dep").signIn("dep", password("dep"));
    b.go("/submit/train");
    b.waitUntil(() -> "64".equals(b.$("[data-testid=field-gene_size]").getAttribute("value")), "the form");
    b.type("[data-testid=field-epochs]", "3");
    b.type("[data-testid=field-priority]", "5");
    b.type("[data-testid=field-depends_on]", first);
    b.click("[data-testid=submit-train]");
    String second = jobPage(b, first);
    b.waitUntil(() -> "queued".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "queued behind its dependency");
    b.waitUntil(() -> !b.text("[data-testid=waiting-reason]").isBlank(), "a waiting reason");
    assertEquals("/jobs/" + first, b.attr("[data-testid=depends-on-link]", "href"));

    b.click("[data-testid=clone-button]");
    b.waitFor("[data-testid=train-form]");
    b.waitUntil(() -> "3".equals(b.$("[data-testid=field-epochs]").getAttribute("value")), "the form filled from the job");
    assertEquals("5", b.$("[data-testid=field-priority]").getAttribute("value"));
    assertEquals(first, b.$("[data-testid=field-depends_on]").getAttribute("value"));

    b.go("/jobs/" + second);
    b.click("[data-testid=depends-on-link]");
    b.waitUntil(() -> first.equals(b.text("[data-testid=detail-job-id]")), "the dependency's page");
    dep.awaitStatus(second, "success");
    b.waitFor("[data-testid=job-row][data-job-id='" + second + "'][data-status=success]");
  }
}
