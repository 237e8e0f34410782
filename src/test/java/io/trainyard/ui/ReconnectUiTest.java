package io.trainyard.ui;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A server restart: the page notices, reconnects with backoff, re-registers and is live again. */
class ReconnectUiTest extends UiTest {
  private int port;

  @Override
  protected void configure(JsonObject conf) {
    super.configure(conf);
    if (port == 0) {
      port = freePort();
    }
    AppConfig.put(conf, "http.port", port);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void afterARestartThePageReconnectsAndIsLiveAgainWithoutReload() {
    Browser b = signedIn("rex", "parallel");
    String before = login("rex").train(train(1)).getString("job_id");
    b.waitFor("[data-testid=job-row][data-job-id='" + before + "']");
    b.awaitLive();
    b.js("window.__sameDocument = 'yes'");

    String db = server.dbUrl();
    server.close();
    b.waitUntil(() -> !"live".equals(b.attr("[data-testid=connection]", "data-state")), "the page to notice the server is gone");
    server = TestServer.start(db, this::configure); // same database, same port
    b.waitUntil(() -> "live".equals(b.attr("[data-testid=connection]", "data-state")), Duration.ofSeconds(45), "the bridge to reconnect");

    // A job submitted now reaches the open page by push, after the re-registration.
    Api rex = login("rex");
    String after = rex.train(train(1)).getString("job_id");
    b.waitFor("[data-testid=job-row][data-job-id='" + after + "']");
    b.waitUntil(() -> "success".equals(b.attr("[data-testid=job-row][data-job-id='" + after + "']", "data-status")), "its success");
    assertEquals("yes", b.js("return window.__sameDocument"), "no reload");
  }

  @Test
  void withoutTheBridgeThePageDegradesToRefreshingEveryThreeSeconds() {
    server.user("nob", "parallel");
    Browser b = browser("nob");
    // This browser cannot reach /eventbus at all (as if the server had no bridge).
    ChromeDriver chrome = (ChromeDriver) b.driver;
    chrome.executeCdpCommand("Network.enable", Map.of());
    chrome.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/eventbus*")));
    b.signIn("nob", password("nob"));
    b.waitUntil(() -> "offline".equals(b.attr("[data-testid=connection]", "data-state")), "the offline indicator");

    Api nob = login("nob");
    String id = nob.train(train(2)).getString("job_id");
    b.waitFor("[data-testid=job-row][data-job-id='" + id + "']", Duration.ofSeconds(10));
    b.go("/jobs/" + id);
    b.waitUntil(() -> "success".equals(b.attr("[data-testid=job-detail] [data-testid=job-status]", "data-status")), "success by refreshing");
    b.waitUntil(() -> b.text("[data-testid=log-view]").contains("done: final loss"), "the whole log by refreshing");
    assertNotEquals("live", b.attr("[data-testid=connection]", "data-state"));
  }
}
