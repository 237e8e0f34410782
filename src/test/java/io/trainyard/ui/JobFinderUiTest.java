package io.trainyard.ui;

import io.trainyard.testing.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Finding jobs and acting on many: search, several statuses, URL-kept filters, the sorted table, select all matching. */
class JobFinderUiTest extends UiTest {

  private static String row(String id) {
    return "[data-testid=job-row][data-job-id='" + id + "']";
  }

  private List<String> tableIds(Browser b) {
    return b.$$("[data-testid=table-row]").stream().map(e -> e.getAttribute("data-job-id")).toList();
  }

  @Test
  void theSearchBoxFindsAJobByParameterAndTheFiltersLiveInTheUrl() {
    Api api = server.user("seeker", "parallel");
    String slow = jobIn(api, new JsonObject().put("lr", 0.001), "success");
    String fast = jobIn(api, new JsonObject().put("lr", 0.01), "success");
    String bad = jobIn(api, new JsonObject().put("gene_size", 99), "failed");

    Browser b = signedInAs("seeker");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "three jobs");
    b.type("[data-testid=job-search]", "lr=0.001");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 1 && b.exists(row(slow)), "only the job with lr=0.001");
    b.waitUntil(() -> "?q=lr%3D0.001".equals(b.js("return location.search")), "the search is in the URL");
    b.screenshot("job-search.png");

    // Several statuses at once, kept in the URL with the search cleared.
    b.js("const s = document.querySelector('[data-testid=job-search]'); s.value = ''; s.dispatchEvent(new Event('input'));");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "the search cleared");
    b.click("[data-testid=status-filter-failed]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 1 && b.exists(row(bad)), "failed only");
    b.click("[data-testid=status-filter-success]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "failed and succeeded");
    b.waitUntil(() -> "?status=failed%2Csuccess".equals(b.js("return location.search")), "both statuses in the URL");
    assertEquals("true", b.attr("[data-testid=status-filter-failed]", "aria-pressed"));
    assertEquals("false", b.attr("[data-testid=status-filter-all]", "aria-pressed"));

    // A shared link opens the same view: search, status, sort and the table.
    b.go("/jobs?q=lr%3D0.01&status=success&sort=finished_at&order=asc&view=table");
    b.waitUntil(() -> tableIds(b).equals(List.of(fast)), "the linked view, as a table");
    assertEquals("lr=0.01", b.$("[data-testid=job-search]").getAttribute("value"));
    b.reload();
    b.waitUntil(() -> tableIds(b).equals(List.of(fast)), "the same after a reload");
    assertEquals("ascending", b.attr("th[aria-sort]:not([aria-sort=none])", "aria-sort"));
  }

  @Test
  void theTableSortsByItsColumnHeadersInBothOrders() {
    Api api = server.user("tabler", "serial");
    String p1 = jobIn(api, new JsonObject().put("priority", 1), "success");
    String p7 = jobIn(api, new JsonObject().put("priority", 7), "success");
    String p3 = jobIn(api, new JsonObject().put("priority", 3), "success");

    Browser b = signedInAs("tabler");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "three jobs");
    b.click("[data-testid=view-toggle]");
    b.waitUntil(() -> tableIds(b).equals(List.of(p3, p7, p1)), "the table, newest first");
    b.click("[data-testid=sort-priority]");
    b.waitUntil(() -> tableIds(b).equals(List.of(p7, p3, p1)), "highest priority first");
    b.waitUntil(() -> "?sort=priority&view=table".equals(b.js("return location.search")), "the sort is in the URL");
    b.click("[data-testid=sort-priority]");
    b.waitUntil(() -> tableIds(b).equals(List.of(p1, p3, p7)), "lowest priority first");
    b.click("[data-testid=sort-finished_at]");
    b.waitUntil(() -> tableIds(b).equals(List.of(p3, p7, p1)), "latest finished first");
    b.screenshot("job-table.png");
    b.click("[data-testid=view-toggle]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 3, "back to the list, still sorted");
    assertEquals(p3, b.$$("[data-testid=job-row]").get(0).getAttribute("data-job-id"));
  }

  @Test
  void selectAllMatchingCancelsEveryQueuedJobAndRerunsThemBeyondTheLoadedPage() {
    Api api = server.user("mass", "serial");
    String running = jobIn(api, new JsonObject().put("epochs", 400), "running");
    JsonObject batch = new JsonObject().put("jobs", new io.vertx.core.json.JsonArray());
    for (int i = 0; i < 60; i++) {
      batch.getJsonArray("jobs").add(new JsonObject().put("job_type", "train").put("dataset_id", "demo").put("gene_size", 64)
          .put("output_dim", 4).put("epochs", 1).put("lr", 0.005));
    }
    api.post("/api/jobs/batch", batch).expect(200);
    Api other = server.user("untouched", "serial");
    String foreign = other.train(new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 400)).getString("job_id");

    Browser b = signedInAs("mass");
    b.go("/jobs?status=queued");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 50, "the first page of queued jobs");
    b.click("[data-testid=select-all]");
    b.click("[data-testid=select-all-matching]");
    b.waitUntil(() -> "All 60 matching selected".equals(b.text("[data-testid=selection-count]")), "every matching job selected");
    b.screenshot("bulk-select-all-matching.png");
    b.click("[data-testid=bulk-cancel]");
    b.confirmDialog();
    b.waitUntil(() -> b.exists("[data-testid=list-empty]"), "no queued job left");
    b.waitUntil(() -> "60".equals(b.text("[data-testid=count-canceled]")), "60 canceled");
    assertEquals("running", api.job(running).getString("status"), "the running job did not match the filter");
    assertEquals("running", other.awaitStatus(foreign, "running").getString("status"), "another user's job is never touched");

    b.click("[data-testid=status-filter-queued]");
    b.click("[data-testid=status-filter-canceled]");
    b.waitUntil(() -> b.$$("[data-testid=job-row]").size() == 50, "the canceled jobs");
    b.click("[data-testid=select-all]");
    b.click("[data-testid=select-all-matching]");
    b.click("[data-testid=bulk-rerun]");
    b.confirmDialog();
    b.waitUntil(() -> "60".equals(b.text("[data-testid=count-queued]")), "60 reruns queued");
    b.waitUntil(() -> b.$$("[data-testid=toast]").stream().anyMatch(t -> t.getText().contains("60 jobs rerun")), "the rerun's toast");
    api.post("/api/jobs/flush?scope=active", null).expect(200);
    other.post("/api/jobs/" + foreign + "/cancel", null).expect(200);
  }

  @Test
  void anAdminFiltersByOwnerAndTheChoiceIsKeptInTheUrl() {
    Api ida = server.user("ida", "serial");
    Api jon = server.user("jon", "serial");
    String hers = jobIn(ida, new JsonObject(), "success");
    String his = jobIn(jon, new JsonObject(), "success");
    Browser b = browser("admin").signIn("admin", io.trainyard.testing.TestServer.ADMIN_PASSWORD);
    b.waitUntil(() -> b.exists(row(hers)) && b.exists(row(his)), "everyone's jobs");
    b.waitUntil(() -> b.visible("[data-testid=owner-filter]"), "the owner filter, for admins");
    b.select("[data-testid=owner-filter]", String.valueOf(ida.userId()));
    b.waitUntil(() -> b.exists(row(hers)) && !b.exists(row(his)), "only ida's jobs");
    b.waitUntil(() -> ("?owner=" + ida.userId()).equals(b.js("return location.search")), "the owner in the URL");
    b.reload();
    b.waitUntil(() -> b.exists(row(hers)) && !b.exists(row(his)), "still only ida's after a reload");
  }
}
