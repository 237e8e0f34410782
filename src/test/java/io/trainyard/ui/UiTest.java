package io.trainyard.ui;

import io.trainyard.app.AppConfig;
import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

/**
 * One real Trainyard node per test class (shared embedded PostgreSQL) and real headless Chromium
 * windows per test. Demo jobs take a few seconds, so queued/running/success can be watched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ScreenshotOnFailure.class)
abstract class UiTest {
  /** Pause per demo training step: 10 epochs of the demo dataset take about 3 s. */
  static final int STEP_MS = 40;
  protected TestServer server;
  private final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  void startServer() {
    Browser.requireChromium();
    server = TestServer.start(this::configure);
  }

  protected void configure(JsonObject conf) {
    AppConfig.put(conf, "jobs.demo_step_ms", STEP_MS);
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
    browsers.clear();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      // Stop whatever a test left running: a node's shutdown leaves job processes alone.
      server.admin().post("/api/jobs/flush?scope=active", null);
      server.close();
    }
  }

  protected Browser browser(String name) {
    Browser b = Browser.open(server.baseUrl(), name);
    browsers.add(b);
    return b;
  }

  /** A new user (created by the admin over REST) and a browser signed in as them through the form. */
  protected Browser signedIn(String username, String mode) {
    server.user(username, mode);
    return browser(username).signIn(username, password(username));
  }

  protected static String password(String username) {
    return username + "-pass-1";
  }

  protected Api login(String username) {
    return server.api().login(username, password(username));
  }

  /** A browser signed in through the form as an existing user. */
  protected Browser signedInAs(String username) {
    return browser(username).signIn(username, password(username));
  }

  /** Submits a demo train job (1 epoch unless overridden) and answers its id once it reached {@code status}. */
  protected static String jobIn(Api api, JsonObject overrides, String status) {
    return api.awaitStatus(api.train(new JsonObject().put("epochs", 1).mergeIn(overrides)).getString("job_id"), status).getString("job_id");
  }

  /** A demo train job body with overrides. */
  protected static JsonObject train(int epochs) {
    return new JsonObject().put("epochs", epochs);
  }
}
