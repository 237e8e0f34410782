package io.trainyard.ui;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pictures of the job center and a running job's page with a realistic mix of jobs, saved to
 * target/screenshots/ for a human to look at (job-center.png, job-detail.png, ...).
 */
class ScreenshotsUiTest extends UiTest {

  @Test
  void jobCenterAndJobDetail() throws Exception {
    server.user("sam", "parallel");
    Api sam = login("sam");
    String trained = sam.train(train(3)).getString("job_id");
    String failed = sam.train(new JsonObject().put("epochs", 1).put("gene_size", 99)).getString("job_id");
    String canceled = sam.train(train(10_000)).getString("job_id");
    sam.awaitStatus(trained, "success");
    sam.awaitStatus(failed, "failed");
    sam.awaitStatus(canceled, "running");
    sam.post("/api/jobs/" + canceled + "/cancel", null).expect(200);
    sam.awaitStatus(canceled, "canceled");
    String model = sam.job(trained).getString("model_id");
    String predicted = sam.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo").put("model_id", model)
        .put("gene_size", 64).put("output_dim", 4)).expect(200).json().getJsonObject("job").getString("job_id");
    sam.awaitStatus(predicted, "success");
    sam.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 2)
        .put("sweep", new JsonObject().put("lr", new JsonArray().add(0.001).add(0.0001)))).expect(200);
    // Long runs fill the three parallel slots; one more waits in the queue.
    String running = sam.train(new JsonObject().put("epochs", 400).put("priority", 1)).getString("job_id");
    sam.train(train(400));
    sam.train(train(400));
    sam.awaitStatus(running, "running");
    sam.train(train(400));

    try {
      Browser b = browser("sam").signIn("sam", password("sam"));
      b.awaitLive();
      b.waitUntil(() -> b.$$("[data-testid=job-row][data-status=running] [data-testid=progress-bar]").size() >= 2, "running rows with progress");
      b.waitUntil(() -> jobCenterShown(b), "the job center in full: counts, every job listed, progress on every running row");
      Path center = b.screenshot("job-center.png");

      b.go("/jobs/" + running);
      b.waitUntil(() -> b.text("[data-testid=log-view]").contains("epoch"), "the live log");
      b.waitUntil(() -> b.attr("[data-testid=job-detail] [data-testid=progress-bar]", "aria-valuenow") != null, "progress");
      b.waitUntil(() -> jobDetailShown(b), "the job's page in full: loaded, stage, progress and last log line");
      Path detail = b.screenshot("job-detail.png");

      b.go("/jobs/" + predicted);
      b.waitFor("[data-testid=result-preview]");
      b.js("document.querySelector('.jobs-main').scrollTop = 1e6");
      b.screenshot("job-detail-predict.png");
      b.go("/submit/train");
      b.waitFor("[data-testid=train-form]");
      b.type("[data-testid=field-gene_size]", "0");
      b.click("[data-testid=submit-train]");
      b.waitFor("[data-error-for=gene_size]");
      b.screenshot("submit-validation.png");
      b.go("/analytics");
      b.waitFor("[data-testid=chart-jobs] canvas");
      b.screenshot("analytics.png");
      assertTrue(Files.size(center) > 10_000 && Files.size(detail) > 10_000, "non-trivial pictures");
    } finally {
      sam.post("/api/jobs/flush?scope=active", null);
    }
  }

  /**
   * The overview and the list as a reader should see them: counts and tiles loaded, the whole list
   * loaded, every running row with a known progress and every queued row saying why it waits, fonts in.
   */
  private static boolean jobCenterShown(Browser b) {
    return Boolean.TRUE.equals(b.js("""
        const text = (css) => (document.querySelector(css)?.textContent || '').trim();
        const rows = [...document.querySelectorAll('[data-testid=job-row]')];
        const status = text('[data-testid=list-status]').match(/^Showing (\\d+) of (\\d+)$/);
        return document.fonts.status === 'loaded'
          && /^\\d+$/.test(text('[data-testid=count-total]'))
          && /^\\d+$/.test(text('[data-testid=tile-total] .tile-value'))
          && !!status && status[1] === status[2] && Number(status[1]) === rows.length
          && rows.filter((r) => r.dataset.status === 'running')
            .every((r) => r.querySelector('[data-testid=progress-bar][aria-valuenow]'))
          && rows.filter((r) => r.dataset.status === 'queued')
            .every((r) => (r.querySelector('[data-testid=row-queue]')?.textContent || '').trim() !== '');
        """));
  }

  /** A running job's page as a reader should see it: loaded, with stage, progress and the last log line, fonts in. */
  private static boolean jobDetailShown(Browser b) {
    return Boolean.TRUE.equals(b.js("""
        const d = document.querySelector('[data-testid=job-detail]');
        const text = (css) => (d?.querySelector(css)?.textContent || '').trim();
        return document.fonts.status === 'loaded' && !!d && !d.hasAttribute('aria-busy')
          && text('[data-testid=progress-text]').endsWith('%')
          && text('[data-testid=job-stage]') !== '' && text('[data-testid=job-stage]') !== 'Starting'
          && text('[data-testid=last-log]') !== '';
        """));
  }
}
