package io.trainyard.ui;

import io.trainyard.testing.Api;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two users in two browsers: neither list, counts nor deep links ever show the other's jobs. */
class IsolationUiTest extends UiTest {

  @Test
  void twoBrowsersOfTwoUsersNeverSeeEachOthersJobs() {
    Browser amy = signedIn("amy", "parallel");
    Browser ben = signedIn("ben", "parallel");
    Api amyApi = login("amy");
    Api benApi = login("ben");
    amy.awaitLive();
    ben.awaitLive();
    ben.waitFor("[data-testid=list-empty]");
    // From here on ben's page records every job id it shows, at each change of its DOM.
    ben.js(RECORD_JOB_IDS);

    // amy submits through her browser's form.
    amy.go("/submit/train");
    amy.waitUntil(() -> "64".equals(amy.$("[data-testid=field-gene_size]").getAttribute("value")), "the form");
    amy.type("[data-testid=field-epochs]", "8");
    amy.click("[data-testid=submit-train]");
    amy.waitUntil(() -> amy.path().startsWith("/jobs/job_"), "amy's job page");
    String amysJob = amy.path().substring("/jobs/".length());
    String rowOfAmys = "[data-job-id='" + amysJob + "']";
    // ben's own job, submitted meanwhile over REST, must reach ben's list live.
    String bensJob = benApi.train(train(2)).getString("job_id");

    // For the whole life of amy's job, ben's page never shows it (nor any trace of its id).
    amy.waitUntil(() -> "success".equals(amy.attr("[data-testid=job-detail] [data-testid=job-status]", "data-status")),
        Duration.ofSeconds(60), "amy's job to finish on her page");
    List<String> shownToBen = jobIdsShown(ben);
    assertTrue(shownToBen.stream().noneMatch(shown -> shown.contains(amysJob)), "amy's job appeared in ben's browser: " + shownToBen);
    ben.waitFor("[data-testid=job-row][data-job-id='" + bensJob + "']");
    ben.waitUntil(() -> "1".equals(ben.text("[data-testid=count-total]")), "ben's own count");
    assertEquals(1, ben.$$("[data-testid=job-row]").size(), "ben lists only his own job");
    assertFalse(ben.exists(rowOfAmys));
    assertFalse(amy.exists("[data-job-id='" + bensJob + "']"), "ben's job never shows in amy's browser");
    assertEquals("success", amyApi.job(amysJob).getString("status"));

    // amy's deep link in ben's browser: not found, as if it did not exist.
    ben.go("/jobs/" + amysJob);
    ben.waitFor("[data-testid=not-found]");
    assertFalse(ben.exists("[data-testid=job-detail] [data-testid=job-status]"), "no details of amy's job");
    assertFalse(String.valueOf(ben.js("return document.body.innerText")).contains(amysJob), "not even the id is echoed");
    benApi.get("/api/jobs/" + amysJob).expect(404);
  }

  /**
   * Makes the page note every job id it shows, as a row ({@code data-job-id}) or anywhere in its text,
   * now and after every change of its DOM: nothing shown between two looks can slip by.
   */
  private static final String RECORD_JOB_IDS = """
      window.__jobIdsShown = new Set();
      const note = () => {
        for (const e of document.querySelectorAll('[data-job-id]')) window.__jobIdsShown.add(e.getAttribute('data-job-id'));
        for (const m of document.body.textContent.match(/job_[A-Za-z0-9_-]+/g) || []) window.__jobIdsShown.add(m);
      };
      note();
      new MutationObserver(note).observe(document.documentElement,
        { subtree: true, childList: true, attributes: true, characterData: true });
      """;

  @SuppressWarnings("unchecked")
  private static List<String> jobIdsShown(Browser b) {
    Object ids = b.js("return window.__jobIdsShown ? [...window.__jobIdsShown] : null");
    assertNotNull(ids, "the page was reloaded, so what it showed meanwhile is unknown");
    return (List<String>) ids;
  }
}
