package io.trainyard.ui;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Keyboard shortcuts, the theme toggle, pausing live updates, and the confirmations of mode switch and rerun. */
class ShortcutsUiTest extends UiTest {

  private static void press(Browser b, CharSequence key) {
    b.js("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
    new Actions(b.driver).sendKeys(key).perform();
  }

  @Test
  void slashSearchesJAndKWalkTheListAndQuestionMarkShowsTheHelp() {
    Api api = server.user("keys", "parallel");
    List<String> ids = List.of(api.train(new JsonObject()).getString("job_id"), api.train(new JsonObject()).getString("job_id"),
        api.train(new JsonObject()).getString("job_id"));
    ids.forEach(id -> api.awaitStatus(id, "success"));
    Browser b = signedInAs("keys");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "three jobs");

    press(b, "/");
    b.waitUntil(() -> "job-search".equals(b.js("return document.activeElement.dataset.testid")), "the search box focused");
    press(b, "j");
    b.waitUntil(() -> b.path().equals("/jobs/" + ids.get(2)), "the newest job opened");
    press(b, "j");
    b.waitUntil(() -> b.path().equals("/jobs/" + ids.get(1)), "the next one");
    press(b, "k");
    b.waitUntil(() -> b.path().equals("/jobs/" + ids.get(2)), "back up");
    press(b, "?");
    b.waitFor("[data-testid=shortcuts-help]");
    b.screenshot("shortcuts-help.png");
    new Actions(b.driver).sendKeys(Keys.ESCAPE).perform();
    b.waitUntil(() -> !b.exists("dialog[open]"), "the help closed with Esc");
  }

  @Test
  void theThemeTogglePicksLightDarkOrSystemAndKeepsIt() {
    Browser b = signedIn("painter", "serial");
    b.waitFor("[data-testid=theme-toggle]");
    String system = (Boolean) b.js("return matchMedia('(prefers-color-scheme: dark)').matches") ? "dark" : "light";
    assertEquals("system", b.attr("[data-testid=theme-toggle]", "data-theme"));
    assertEquals(system, b.js("return document.documentElement.getAttribute('data-theme')"), "the system's theme at first");
    b.click("[data-testid=theme-toggle]");
    assertEquals("light", b.js("return document.documentElement.getAttribute('data-theme')"));
    b.click("[data-testid=theme-toggle]");
    assertEquals("dark", b.js("return document.documentElement.getAttribute('data-theme')"));
    assertEquals("rgb(13, 16, 20)", b.js("return getComputedStyle(document.body).backgroundColor"), "the dark palette");
    b.reload();
    b.waitFor("[data-testid=theme-toggle]");
    assertEquals("dark", b.js("return document.documentElement.getAttribute('data-theme')"), "kept over a reload");
    b.screenshot("job-center-dark.png");
    b.click("[data-testid=theme-toggle]");
    assertEquals("system", b.attr("[data-testid=theme-toggle]", "data-theme"));
    assertEquals(system, b.js("return document.documentElement.getAttribute('data-theme')"), "back to the system's");
  }

  @Test
  void pausedLiveUpdatesHoldEventsUntilResumedAndTheModeSwitchAsksFirst() {
    Browser b = signedIn("pauser", "serial");
    Api api = login("pauser");
    b.waitFor("[data-testid=list-empty]");
    b.awaitLive();
    press(b, "p");
    b.waitUntil(() -> "true".equals(b.attr("[data-testid=pause-live]", "aria-pressed")), "paused");
    String id = jobIn(api, new JsonObject(), "success");
    b.waitUntil(() -> Integer.parseInt(b.attr("[data-testid=pause-live]", "data-held")) >= 3, "queued, running and success held");
    assertFalse(b.exists("[data-testid=job-row][data-job-id='" + id + "']"), "nothing applied while paused");
    b.click("[data-testid=pause-live]");
    b.waitUntil(() -> "success".equals(b.attr("[data-testid=job-row][data-job-id='" + id + "']", "data-status")), "applied on resume");

    b.click("[data-testid=mode-parallel]");
    b.waitFor("[data-testid=mode-confirm]");
    b.click("dialog[open] [data-testid=confirm-cancel]");
    b.waitUntil(() -> !b.exists("dialog[open]"), "the dialog closed");
    assertEquals("true", b.attr("[data-testid=mode-serial]", "aria-checked"), "declined: still serial");
    assertEquals("serial", api.get("/api/me").json().getJsonObject("user").getString("schedule_mode"));
  }

  @Test
  void rerunOfARunningJobAsksFirstAndTheArtifactsPathWrapsOnlyAtSlashes() {
    Api api = server.user("twice", "parallel");
    String id = jobIn(api, new JsonObject().put("epochs", 400), "running");
    Browser b = signedInAs("twice");
    b.go("/jobs/" + id);
    b.click("[data-testid=rerun-button]");
    b.waitFor("[data-testid=rerun-confirm]");
    b.click("dialog[open] [data-testid=confirm-cancel]");
    b.waitUntil(() -> !b.exists("dialog[open]"), "declined");
    assertEquals(1L, api.get("/api/jobs").json().getLong("total"), "no second job");
    b.click("[data-testid=rerun-button]");
    b.confirmDialog();
    b.waitUntil(() -> !b.path().equals("/jobs/" + id), "the new job opened");
    assertEquals(2L, api.get("/api/jobs").json().getLong("total"));
    b.go("/jobs/" + id);
    b.waitFor("[data-testid=artifacts-path]");
    assertEquals((long) api.job(id).getString("artifacts_dir").split("/").length - 1,
        ((Number) b.js("return document.querySelectorAll('[data-testid=artifacts-path] wbr').length")).longValue(),
        "a break opportunity after each slash only");
    api.post("/api/jobs/flush?scope=active", null).expect(200);
  }
}
