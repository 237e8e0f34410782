package io.trainyard.ui;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job center's list features, templates, the mode switch, admin user management, analytics. */
class JobCenterUiTest extends UiTest {

  private static String row(String id) {
    return "[data-testid=job-row][data-job-id='" + id + "']";
  }

  private static List<String> finished(Api api, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(api.train(train(1)).getString("job_id"));
    }
    ids.forEach(id -> api.awaitStatus(id, "success"));
    return ids;
  }

  @Test
  void countsFiltersBulkArchiveArchivedViewAndUnarchive() {
    server.user("flo", "parallel");
    Api flo = login("flo");
    List<String> ok = finished(flo, 3);
    String bad = flo.train(new JsonObject().put("epochs", 1).put("gene_size", 99)).getString("job_id");
    flo.awaitStatus(bad, "failed");

    Browser b = browser("flo").signIn("flo", password("flo"));
    b.waitUntil(() -> "4".equals(b.text("[data-testid=count-total]")), "total count");
    assertEquals("3", b.text("[data-testid=count-success]"));
    assertEquals("1", b.text("[data-testid=count-failed]"));
    assertEquals("0", b.text("[data-testid=count-running]"));
    assertEquals(4, b.$$("[data-testid=job-row]").size());

    b.click("[data-testid=status-filter-failed]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 1 && b.exists(row(bad)), "only the failed job");
    b.waitUntil(() -> "?status=failed".equals(b.js("return location.search")), "the filter is kept in the URL");
    b.click("[data-testid=status-filter-all]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 4, "all jobs again");
    assertEquals("", b.js("return location.search"));

    // A link with a filter (the contract's alias included) opens the list filtered, and survives a reload.
    b.go("/jobs?status=completed");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3 && !b.exists(row(bad)), "only the succeeded jobs");
    assertEquals("true", b.attr("[data-testid=status-filter-success]", "aria-pressed"));
    b.waitUntil(() -> "?status=success".equals(b.js("return location.search")), "the URL names the filter it shows");
    b.reload();
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "still filtered after a reload");
    b.click("[data-testid=status-filter-all]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 4, "all jobs again");

    b.click(row(ok.get(0)) + " [data-testid=job-select]");
    b.click(row(ok.get(1)) + " [data-testid=job-select]");
    assertEquals("2 selected", b.text("[data-testid=selection-count]"));
    b.click("[data-testid=bulk-archive]");
    b.waitUntil(() -> !b.exists(row(ok.get(0))) && !b.exists(row(ok.get(1))), "archived rows leave the list");
    b.waitUntil(() -> "2".equals(b.text("[data-testid=count-total]")), "counts without archived jobs");
    b.waitFor("[data-testid=toast]");
    assertTrue(b.text("[data-testid=toast]").contains("2 jobs archived"), b.text("[data-testid=toast]"));

    b.click("[data-testid=archived-toggle]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 2 && b.exists(row(ok.get(0))), "the archived view");
    b.click(row(ok.get(0)) + " [data-testid=unarchive-button]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 1, "the unarchived job leaves the archived view");
    b.click("[data-testid=archived-toggle]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3 && b.exists(row(ok.get(0))), "back in the main list");
    b.waitUntil(() -> "3".equals(b.text("[data-testid=count-total]")), "counts include it again");
    assertNotNull(flo.job(ok.get(1)).getString("archived_at"));
  }

  @Test
  void bulkDeleteAsksFirstAndRemovesTheJobs() {
    server.user("del", "parallel");
    Api del = login("del");
    List<String> ids = finished(del, 2);
    Browser b = browser("del").signIn("del", password("del"));
    b.waitFor(row(ids.get(0)));
    b.click(row(ids.get(0)) + " [data-testid=job-select]");
    b.click("[data-testid=bulk-delete]");
    b.waitFor("dialog[open]");
    b.click("dialog[open] [data-testid=confirm-cancel]");
    b.waitUntil(() -> !b.exists("dialog[open]"), "the dialog to close");
    assertTrue(b.exists(row(ids.get(0))), "nothing deleted without confirmation");
    b.click("[data-testid=bulk-delete]");
    b.confirmDialog();
    b.waitUntil(() -> !b.exists(row(ids.get(0))), "the deleted row to go");
    assertTrue(b.exists(row(ids.get(1))));
    del.get("/api/jobs/" + ids.get(0)).expect(404);
  }

  @Test
  void loadMorePagesThroughALongList() {
    server.user("pam", "serial");
    Api pam = login("pam");
    // One long job holds pam's serial slot; the rest wait queued behind it (no processes).
    String first = pam.train(train(10_000)).getString("job_id");
    for (int i = 0; i < 54; i++) {
      pam.train(train(1));
    }
    try {
      Browser b = browser("pam").signIn("pam", password("pam"));
      b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 50, "the first page");
      assertEquals("Showing 50 of 55", b.text("[data-testid=list-status]"));
      assertFalse(b.exists(row(first)), "the oldest job is on the second page");
      b.click("[data-testid=load-more]");
      b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 55, "the second page");
      assertTrue(b.exists(row(first)));
      assertFalse(b.exists("[data-testid=load-more]"), "nothing more to load");
      assertEquals("55", b.text("[data-testid=count-total]"));

      b.click("[data-testid=flush-button]");
      b.waitFor("dialog[open]");
      b.confirmDialog();
      b.waitUntil(() -> b.exists("[data-testid=list-empty]"), "an empty list after flushing active jobs");
      assertEquals(0, pam.get("/api/jobs").expect(200).json().getInteger("total"));
    } finally {
      pam.post("/api/jobs/flush?scope=active", null);
    }
  }

  @Test
  void rerunFromTheDetailPageOpensTheNewJob() {
    server.user("rey", "parallel");
    Api rey = login("rey");
    String id = finished(rey, 1).get(0);
    Browser b = browser("rey").signIn("rey", password("rey"));
    b.go("/jobs/" + id);
    b.click("[data-testid=rerun-button]");
    b.waitUntil(() -> b.path().startsWith("/jobs/") && !b.path().endsWith(id), "the new job's page");
    String rerun = b.path().substring("/jobs/".length());
    b.waitUntil(() -> rerun.equals(b.text("[data-testid=detail-job-id]")), "the new job's details");
    b.waitFor(row(rerun));
    assertEquals(rey.job(id).getJsonObject("params"), rey.job(rerun).getJsonObject("params"));
    rey.awaitStatus(rerun, "success");
  }

  @Test
  void saveAJobAsTemplateAndSubmitFromTheTemplatesPage() {
    server.user("tia", "parallel");
    Api tia = login("tia");
    String id = finished(tia, 1).get(0);
    Browser b = browser("tia").signIn("tia", password("tia"));
    b.go("/jobs/" + id);
    b.click("[data-testid=save-template-button]");
    b.type("dialog[open] input[name=name]", "nightly demo");
    b.confirmDialog();
    b.waitFor("[data-testid=toast]");

    b.click("a[data-nav='/templates']");
    b.waitFor("[data-testid=template-row]");
    assertTrue(b.text("[data-testid=template-row]").contains("nightly demo"));
    b.click("[data-testid=template-row] [data-testid=template-submit]");
    b.waitUntil(() -> b.path().startsWith("/jobs/job_") && !b.path().endsWith(id), "the submitted job's page");
    String fromTemplate = b.path().substring("/jobs/".length());
    assertEquals("train", tia.job(fromTemplate).getString("job_type"));
    tia.awaitStatus(fromTemplate, "success");

    // Creating one from JSON on the page, with a bad field, shows the server's message by the field.
    b.go("/templates");
    b.waitFor("[data-testid=template-form]");
    b.type("[data-testid=template-name]", "");
    b.click("[data-testid=template-create]");
    b.waitFor("[data-error-for=name]");
  }

  @Test
  void myModeSwitchChangesMyScheduleMode() {
    Browser b = signedIn("moe", "serial");
    Api moe = login("moe");
    assertEquals("true", b.attr("[data-testid=mode-serial]", "aria-checked"));
    b.click("[data-testid=mode-parallel]");
    b.waitFor("[data-testid=mode-confirm]");
    b.confirmDialog();
    b.waitUntil(() -> "true".equals(b.attr("[data-testid=mode-parallel]", "aria-checked")), "the switch to move");
    b.waitUntil(() -> "parallel".equals(moe.get("/api/me").json().getJsonObject("user").getString("schedule_mode")), "the server to agree");
    b.reload();
    b.waitUntil(() -> "true".equals(b.attr("[data-testid=mode-parallel]", "aria-checked")), "the mode after reload");
  }

  @Test
  void anAdminAddsAUserAndChangesTheirMode() {
    Browser b = browser("admin").signIn("admin", TestServer.ADMIN_PASSWORD);
    b.click("a[data-nav='/admin/users']");
    b.waitFor("[data-testid=user-form]");
    b.type("[data-testid=new-username]", "newbie");
    b.type("[data-testid=new-password]", "newbie-pass-1");
    b.click("[data-testid=create-user]");
    String newRow = "[data-testid=user-row][data-username=newbie]";
    b.waitFor(newRow);
    b.select(newRow + " [data-testid=user-mode]", "parallel");
    b.waitUntil(() -> server.admin().get("/api/users").json().getJsonArray("items").stream()
        .map(o -> (JsonObject) o).anyMatch(u -> "newbie".equals(u.getString("username")) && "parallel".equals(u.getString("schedule_mode"))),
        "newbie to be parallel");
    login("newbie");

    // A non-admin has no users page.
    Browser other = signedIn("plain", "serial");
    assertFalse(other.exists("a[data-nav='/admin/users']"));
  }

  @Test
  void analyticsDrawsChartsOfTheDay() {
    server.user("ana", "parallel");
    Api ana = login("ana");
    finished(ana, 2);
    Browser b = browser("ana").signIn("ana", password("ana"));
    b.click("a[data-nav='/analytics']");
    b.waitUntil(() -> "2".equals(b.text("[data-testid=stat-submitted] .tile-value")), "the submitted tile");
    assertEquals("2", b.text("[data-testid=stat-success] .tile-value"));
    assertEquals("0", b.text("[data-testid=stat-canceled] .tile-value"), "canceled jobs count in the success rate, so they have a tile");
    b.waitUntil(() -> b.$$("[data-testid=chart-jobs] canvas").size() == 1, "the jobs chart");
    assertFalse(b.text("[data-testid=chart-jobs]").contains("--"), "the legend names series, without placeholder values");
    for (String chart : List.of("chart-success", "chart-runtime", "chart-wait")) {
      assertEquals(1, b.$$("[data-testid=" + chart + "] canvas").size(), chart);
    }
    JsonArray days = ana.get("/api/analytics?days=30").json().getJsonArray("days");
    assertNotEquals(0, days.size());
  }
}
