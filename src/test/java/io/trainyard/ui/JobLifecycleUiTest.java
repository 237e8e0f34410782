package io.trainyard.ui;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Submit, watch live, cancel, validation and deep links, in a real browser against a real node. */
class JobLifecycleUiTest extends UiTest {
  private static final String DETAIL = "[data-testid=job-detail] ";

  @Override
  protected void configure(JsonObject conf) {
    super.configure(conf);
    // Predict jobs of this class ignore SIGTERM, so a cancel stays "cancelling" until the grace period's SIGKILL.
    TestServer.script(conf, "predict", "stubborn.sh");
    AppConfig.put(conf, "supervisor.cancel_grace_seconds", 3);
  }

  @Test
  void aTrainJobSubmittedFromTheFormGoesQueuedRunningSuccessLiveWithoutReload() {
    Browser b = signedIn("ann", "serial");
    Api ann = login("ann");
    // A job ahead of ours holds ann's single serial slot for a few seconds, so ours is visibly queued first.
    String blocker = ann.train(train(25)).getString("job_id");
    b.awaitLive();

    b.click("[data-testid=new-job]");
    b.waitFor("[data-testid=train-form]");
    b.waitUntil(() -> "64".equals(b.$("[data-testid=field-gene_size]").getAttribute("value")), "gene_size filled from the dataset");
    assertEquals("4", b.$("[data-testid=field-output_dim]").getAttribute("value"));
    b.type("[data-testid=field-epochs]", "10");
    b.js("window.__sameDocument = 'yes'");
    b.recordFetches();
    // The page records what its job view shows at each change of its DOM (it stays one document throughout).
    b.js(RECORD_DETAIL);
    b.click("[data-testid=submit-train]");
    b.waitUntil(() -> b.path().startsWith("/jobs/job_"), "the new job's page");
    String id = b.path().substring("/jobs/".length());
    b.waitFor(DETAIL + "[data-testid=job-status]");
    b.waitUntil(() -> "success".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), Duration.ofSeconds(90),
        "the job's page to show success");

    List<String> statuses = new ArrayList<>();
    List<Double> progress = new ArrayList<>();
    boolean logWhileRunning = false;
    boolean queueInfo = false;
    long runningSeenAt = 0;
    long successSeenAt = 0;
    for (Map<String, Object> shown : detailTrail(b)) {
      String st = (String) shown.get("status");
      long t = ((Number) shown.get("t")).longValue();
      if (st != null && (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(st))) {
        statuses.add(st);
      }
      if ("queued".equals(st) && Boolean.TRUE.equals(shown.get("waiting"))) {
        queueInfo = true;
      }
      if ("running".equals(st)) {
        if (runningSeenAt == 0) {
          runningSeenAt = t;
        }
        String v = (String) shown.get("progress");
        if (v != null && (progress.isEmpty() || progress.get(progress.size() - 1) != Double.parseDouble(v))) {
          progress.add(Double.parseDouble(v));
        }
        logWhileRunning |= Boolean.TRUE.equals(shown.get("logEpoch"));
      }
      if ("success".equals(st) && successSeenAt == 0) {
        successSeenAt = t;
      }
    }
    assertEquals(List.of("queued", "running", "success"), statuses, "statuses seen on the page");
    assertTrue(queueInfo, "the queued job said why it waits");
    assertTrue(progress.size() >= 2, "the progress bar advanced while running: " + progress);
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), "progress never goes down: " + progress);
    }
    assertTrue(logWhileRunning, "log lines appeared while the job was running");
    b.waitUntil(() -> b.text("[data-testid=log-view]").contains("done: final loss"), "the log's last line");
    assertEquals("yes", b.js("return window.__sameDocument"), "no page reload happened");
    b.waitUntil(() -> "success".equals(b.attr("[data-testid=job-row][data-job-id='" + id + "'] [data-testid=job-status]", "data-status")),
        "the sidebar row to show success");
    assertEquals("success", ann.job(id).getString("status"));
    assertEquals("success", ann.job(blocker).getString("status"));

    // While the bridge was live nothing polled: no reads of this job or its log while it ran.
    if ("live".equals(b.attr("[data-testid=connection]", "data-state"))) {
      long from = runningSeenAt + 1000;
      long to = successSeenAt - 500;
      List<String> polls = new ArrayList<>();
      for (Map<String, Object> f : b.fetches()) {
        long t = ((Number) f.get("t")).longValue();
        String url = String.valueOf(f.get("url"));
        if (t > from && t < to && (url.equals("/api/jobs/" + id) || url.startsWith("/api/jobs/" + id + "/log"))) {
          polls.add(url);
        }
      }
      assertTrue(polls.isEmpty(), "no polling of a live job while the bridge is connected: " + polls);
    }
  }

  @Test
  void cancellingARunningJobFromItsPageEndsCanceled() {
    Browser b = signedIn("cal", "serial");
    Api cal = login("cal");
    String id = cal.train(train(10_000)).getString("job_id");
    cal.awaitStatus(id, "running");
    b.go("/jobs/" + id);
    b.waitUntil(() -> "running".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "running on the page");

    // The log follows the end; scrolling up stops following, the button resumes it.
    String log = "[data-testid=log-view]";
    b.waitUntil(() -> ((Number) b.js("const e = document.querySelector(arguments[0]); return e.scrollHeight - e.clientHeight;", log)).intValue() > 200,
        "a log longer than its view");
    assertEquals("true", b.attr("[data-testid=follow-button]", "aria-pressed"));
    b.waitUntil(() -> atEnd(b, log), "the view to sit at the end");
    b.js("document.querySelector(arguments[0]).scrollTop = 0", log);
    b.waitUntil(() -> "false".equals(b.attr("[data-testid=follow-button]", "aria-pressed")), "following to stop");
    // Only the lines in view are rendered, so more output shows as a taller scroll height.
    long height = scrollHeight(b, log);
    b.waitUntil(() -> scrollHeight(b, log) > height, "more output");
    assertEquals(0L, ((Number) b.js("return document.querySelector(arguments[0]).scrollTop", log)).longValue(), "the reader keeps their place");
    b.click("[data-testid=follow-button]");
    b.waitUntil(() -> "true".equals(b.attr("[data-testid=follow-button]", "aria-pressed")), "following again");
    long higher = scrollHeight(b, log);
    b.waitUntil(() -> scrollHeight(b, log) > higher && atEnd(b, log), "the end followed again");

    b.click("[data-testid=cancel-button]");
    b.waitFor("dialog[open]");
    b.confirmDialog();
    b.waitUntil(() -> "canceled".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "canceled on the page");
    assertEquals("Canceled", b.text(DETAIL + "[data-testid=job-status]").trim());
    b.waitFor("[data-testid=canceled-notice]");
    assertFalse(b.exists("[data-testid=cancel-button]"), "no cancel button on a finished job");
    assertTrue(b.exists("[data-testid=rerun-button]"));
    assertEquals("canceled", cal.job(id).getString("status"));
  }

  /**
   * Makes the page note what its job view shows (status, whether a waiting reason is given, the
   * progress bar's value, whether the log has epoch lines) each time any of it changes, with the time.
   */
  private static final String RECORD_DETAIL = """
      window.__detailTrail = [];
      let previous = '';
      const note = () => {
        const q = (css) => document.querySelector('[data-testid=job-detail] ' + css);
        const status = q('[data-testid=job-status]');
        const bar = q('[data-testid=progress-bar]');
        const log = document.querySelector('[data-testid=log-view]');
        const shown = {
          status: status ? status.getAttribute('data-status') : null,
          waiting: (q('[data-testid=waiting-reason]')?.textContent || '').trim() !== '',
          progress: bar ? bar.getAttribute('aria-valuenow') : null,
          logEpoch: !!log && log.textContent.includes('epoch'),
        };
        const key = JSON.stringify(shown);
        if (key !== previous) {
          previous = key;
          window.__detailTrail.push({ ...shown, t: Date.now() });
        }
      };
      note();
      new MutationObserver(note).observe(document.documentElement,
        { subtree: true, childList: true, attributes: true, characterData: true });
      """;

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> detailTrail(Browser b) {
    Object trail = b.js("return window.__detailTrail || null");
    assertNotNull(trail, "the page was reloaded, so what it showed meanwhile is unknown");
    return (List<Map<String, Object>>) trail;
  }

  private static long scrollHeight(Browser b, String css) {
    return ((Number) b.js("return document.querySelector(arguments[0]).scrollHeight", css)).longValue();
  }

  private static boolean atEnd(Browser b, String css) {
    return (Boolean) b.js("const e = document.querySelector(arguments[0]); return e.scrollHeight - e.scrollTop - e.clientHeight < 8;", css);
  }

  @Test
  void aCancelThatTakesTimeShowsCancellingUntilTheProcessHasExited() {
    Browser b = signedIn("cid", "parallel");
    Api cid = login("cid");
    String train = cid.train(train(1)).getString("job_id");
    String model = cid.awaitStatus(train, "success").getString("model_id");
    String id = cid.post("/api/jobs/predict", new JsonObject().put("dataset_id", "demo").put("model_id", model)
        .put("gene_size", 64).put("output_dim", 4)).expect(200).json().getJsonObject("job").getString("job_id");
    cid.awaitStatus(id, "running");
    b.go("/jobs/" + id);
    b.waitUntil(() -> "running".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "running on the page");
    b.click("[data-testid=cancel-button]");
    b.confirmDialog();
    b.waitUntil(() -> "true".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-cancel-requested")), "the cancelling state");
    assertEquals("Cancelling…", b.text(DETAIL + "[data-testid=job-status]").trim());
    assertEquals("Cancelling…", b.text("[data-testid=cancel-button]").trim());
    assertFalse(b.$("[data-testid=cancel-button]").isEnabled(), "no second cancel while cancelling");
    assertTrue(b.visible("[data-testid=cancelling-notice]"));
    b.waitUntil(() -> "canceled".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "canceled after the SIGKILL");
    assertEquals("canceled", cid.job(id).getString("status"));
  }

  @Test
  void validationErrorsFromTheServerAppearNextToTheirFields() {
    Browser b = signedIn("val", "serial");
    Api val = login("val");
    b.go("/submit/train");
    b.waitFor("[data-testid=train-form]");
    b.waitUntil(() -> "64".equals(b.$("[data-testid=field-gene_size]").getAttribute("value")), "the dataset's shape filled in");

    b.type("[data-testid=field-gene_size]", "0");
    b.click("[data-testid=submit-train]");
    b.waitFor("[data-error-for=gene_size]");
    String expected = val.post("/api/jobs/train", new JsonObject().put("dataset_id", "demo").put("gene_size", 0).put("output_dim", 4))
        .problem(400).getJsonArray("errors").getJsonObject(0).getString("message");
    assertEquals(expected, b.text("[data-error-for=gene_size]").trim(), "the server's own message");
    assertEquals("true", b.attr("[data-testid=field-gene_size]", "aria-invalid"));
    assertFalse(b.visible("[data-error-for=output_dim]"), "only the bad field is marked");
    assertTrue(b.visible("[data-testid=form-error]"));
    assertEquals("/submit/train", b.path());

    b.type("[data-testid=field-gene_size]", "");
    b.type("[data-testid=field-output_dim]", "0");
    b.click("[data-testid=submit-train]");
    b.waitUntil(() -> b.visible("[data-error-for=output_dim]"), "the output_dim error");
    assertFalse(b.text("[data-error-for=gene_size]").isBlank(), "an empty required field is named too");
    assertEquals(0, val.get("/api/jobs").expect(200).json().getInteger("total"), "nothing was submitted");

    b.type("[data-testid=field-gene_size]", "64");
    b.type("[data-testid=field-output_dim]", "4");
    b.type("[data-testid=field-epochs]", "1");
    b.click("[data-testid=submit-train]");
    b.waitUntil(() -> b.path().startsWith("/jobs/job_"), "the job page after a valid submission");
    assertEquals(1, val.get("/api/jobs").expect(200).json().getInteger("total"));
  }

  @Test
  void aJobDeepLinkWorksOnReloadAndAnUnknownOneSaysNotFound() {
    server.user("dee", "serial");
    Api dee = login("dee");
    String id = dee.train(train(1)).getString("job_id");
    dee.awaitStatus(id, "success");

    Browser b = browser("dee");
    b.go("/jobs/" + id);
    b.signIn("dee", password("dee"));
    assertEquals("/jobs/" + id, b.path());
    b.waitUntil(() -> id.equals(b.text("[data-testid=detail-job-id]")), "the job's page");
    b.waitUntil(() -> "success".equals(b.attr(DETAIL + "[data-testid=job-status]", "data-status")), "its status");
    b.reload();
    b.waitUntil(() -> id.equals(b.text("[data-testid=detail-job-id]")), "the job's page after reload");
    b.waitUntil(() -> b.text("[data-testid=log-view]").contains("done: final loss"), "its log after reload");
    assertTrue(b.exists("[data-testid=job-row][data-job-id='" + id + "'].selected"), "the list marks the open job");

    b.go("/jobs/job_00000000000000000000000000");
    b.waitFor("[data-testid=not-found]");
  }
}
