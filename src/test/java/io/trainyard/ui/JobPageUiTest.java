package io.trainyard.ui;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job's page as a daily tool: the log viewer, live metric curves and the state history. */
class JobPageUiTest extends UiTest {
  private static final String LOG = "[data-testid=log-view]";

  private static boolean logBeforeTimeline(Browser b) {
    return (Boolean) b.js("const log = document.querySelector('[data-testid=log-card]');"
        + " return !!(log.compareDocumentPosition(document.querySelector('[data-testid=timeline]')) & Node.DOCUMENT_POSITION_FOLLOWING);");
  }

  private static int points(Browser b) {
    return Integer.parseInt(b.attr("[data-testid=metrics-chart]", "data-points"));
  }

  @Test
  void theLogViewerSearchesStepsThroughMatchesWrapsAndGoesFullScreen() {
    Api api = server.user("reader", "serial");
    String id = jobIn(api, new JsonObject().put("epochs", 12), "success");
    Browser b = signedInAs("reader");
    b.go("/jobs/" + id);
    b.waitUntil(() -> b.text(LOG).contains("done: final loss"), "the log's end");
    assertTrue(b.exists(LOG + " .log-line .ln"), "line numbers");

    b.type("[data-testid=log-search]", "val_loss");
    b.waitUntil(() -> "1 of 12".equals(b.text("[data-testid=log-search-count]")), "twelve validation lines found");
    b.waitUntil(() -> "val_loss".equalsIgnoreCase(b.text(LOG + " mark.log-mark.current")), "the current match marked");
    String first = b.attr(LOG + " .log-line.current", "data-line");
    b.$("[data-testid=log-search]").sendKeys(Keys.ENTER);
    b.waitUntil(() -> "2 of 12".equals(b.text("[data-testid=log-search-count]")), "the next match");
    b.waitUntil(() -> Integer.parseInt(b.attr(LOG + " .log-line.current", "data-line")) > Integer.parseInt(first), "a later line");
    b.click("[data-testid=log-search-prev]");
    b.waitUntil(() -> "1 of 12".equals(b.text("[data-testid=log-search-count]")), "back to the first");

    b.click("[data-testid=log-wrap-toggle]");
    assertEquals("true", b.attr("[data-testid=log-wrap-toggle]", "aria-pressed"));
    b.waitUntil(() -> b.exists(LOG + ".log-wrapped"), "wrapped lines");

    b.click("[data-testid=log-fullscreen]");
    b.waitUntil(() -> (Boolean) b.js("const r = document.querySelector('[data-testid=log-card]').getBoundingClientRect();"
        + " return r.top === 0 && r.left === 0 && r.width === innerWidth && r.height === innerHeight;"), "the log over the whole window");
    b.screenshot("log-viewer-fullscreen.png");
    b.$(LOG).sendKeys(Keys.ESCAPE);
    b.waitUntil(() -> "false".equals(b.attr("[data-testid=log-fullscreen]", "aria-pressed")), "full screen left with Esc");
    assertEquals("/api/jobs/" + id + "/log/download", b.js("return document.querySelector('[data-testid=download-log]').getAttribute('href')"),
        "the download is the server's whole file");
  }

  @Test
  void aRunningJobShowsItsLogFirstAndALossCurveThatGrows() {
    Api api = server.user("watcher", "serial");
    String id = jobIn(api, new JsonObject().put("epochs", 400), "running");
    Browser b = signedInAs("watcher");
    b.go("/jobs/" + id);
    b.waitUntil(() -> b.exists("[data-testid=log-card]") && b.exists("[data-testid=timeline]"), "the page");
    assertTrue(logBeforeTimeline(b), "the log comes before the timeline while the job runs");

    b.waitUntil(() -> points(b) > 0 && b.exists("[data-testid=metrics-chart] canvas"), "a drawn curve");
    int seen = points(b);
    b.waitUntil(() -> points(b) > seen + 5, "the curve grows as the job logs");
    assertTrue(b.text("[data-testid=metrics-chart]").contains("loss"), "the legend names loss");
    b.screenshot("loss-curve-live.png");
    api.post("/api/jobs/" + id + "/cancel", null).expect(200);
    api.awaitStatus(id, "canceled");
    b.waitUntil(() -> !logBeforeTimeline(b), "the log moves below the cards once the job ended");
  }

  @Test
  void theHistoryShowsEveryTransitionWithItsAttemptAndReason() {
    Api api = server.user("chronicler", "serial");
    String id = jobIn(api, new JsonObject().put("epochs", 400), "running");
    Browser b = signedInAs("chronicler");
    b.go("/jobs/" + id);
    b.waitUntil(() -> b.$$("[data-testid=history-item]").size() == 2, "created and started");
    assertEquals("attempt 1", b.text("[data-testid=history-attempt]").replace("·", "").trim());
    api.post("/api/jobs/" + id + "/cancel", null).expect(200);
    b.waitUntil(() -> b.$$("[data-testid=history-item]").size() == 4, "the cancel request and the end, live");
    List<String> to = b.$$("[data-testid=history-item]").stream().map(e -> e.getAttribute("data-to")).toList();
    assertEquals(List.of("queued", "running", "running", "canceled"), to);
    String all = b.text("[data-testid=history]");
    assertTrue(all.contains("cancel requested") && all.contains("started on node"), all);
    b.screenshot("state-history.png");

    // A rerun links back to where it came from, and the original links to it.
    String again = api.post("/api/jobs/" + id + "/rerun", null).expect(200).json().getJsonObject("job").getString("job_id");
    b.go("/jobs/" + again);
    b.waitUntil(() -> b.exists("[data-testid=lineage-link][href='/jobs/" + id + "']"), "the link to the original");
    b.click("[data-testid=lineage-link]");
    b.waitUntil(() -> b.exists("[data-testid=lineage-link][href='/jobs/" + again + "']"), "the original links to its rerun");
    api.post("/api/jobs/" + again + "/cancel", null).expect(200);
  }

  @Test
  void compareOverlaysTwoJobsCurvesAndMarksTheParametersThatDiffer() {
    Api api = server.user("comparer", "parallel");
    String a = jobIn(api, new JsonObject().put("epochs", 3).put("lr", 0.001), "success");
    String c = jobIn(api, new JsonObject().put("epochs", 3).put("lr", 0.01), "success");
    Browser b = signedInAs("comparer");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 2, "two jobs");
    b.click("[data-testid=select-all]");
    b.click("[data-testid=bulk-compare]");
    b.waitUntil(() -> b.exists("[data-testid=compare-chart][data-metric=loss] canvas"), "the loss chart");
    assertEquals("2", b.attr("[data-testid=compare-chart][data-metric=loss]", "data-series"), "both jobs' loss");
    assertTrue(b.exists("[data-testid=compare-chart][data-metric=val_loss]"));
    assertTrue(b.exists("[data-testid=param-differs][data-param=lr]"), "lr differs");
    assertTrue(b.exists("[data-testid=param-same][data-param=epochs]"), "epochs is the same");
    assertTrue(b.path().startsWith("/compare"));
    b.screenshot("compare.png");
    assertTrue(b.exists("[data-testid=compare-params] a[href='/jobs/" + a + "']")
        && b.exists("[data-testid=compare-params] a[href='/jobs/" + c + "']"), "both jobs named");
  }

  @Test
  void theOverviewChartsTheLastHoursThroughputAndCountsNewJobsLive() {
    Api api = server.user("pacer", "serial");
    api.awaitStatus(api.train(new JsonObject()).getString("job_id"), "success");
    Browser b = signedInAs("pacer");
    b.waitUntil(() -> "1".equals(b.attr("[data-testid=throughput-chart]", "data-finished")), "the finished job counted");
    assertEquals("1", b.attr("[data-testid=throughput-chart]", "data-submitted"));
    b.awaitLive();
    api.awaitStatus(api.train(new JsonObject()).getString("job_id"), "success");
    b.waitUntil(() -> "2".equals(b.attr("[data-testid=throughput-chart]", "data-finished"))
        && "2".equals(b.attr("[data-testid=throughput-chart]", "data-submitted")), "the new job counted live");
    assertTrue(b.exists("[data-testid=throughput-chart] canvas"));
    b.screenshot("throughput.png");
  }
}
