package io.trainyard.ui;

import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin's nodes page lists the nodes and drains and resumes one; other users see no such page. */
class NodesUiTest extends UiTest {

  @Test
  void anAdminDrainsAndResumesTheNodeFromTheNodesPage() {
    Browser admin = browser("admin").signIn("admin", TestServer.ADMIN_PASSWORD);
    admin.click("[data-nav='/admin/nodes']");
    String row = "[data-testid=node-row][data-node-id='" + server.nodeId() + "']";
    admin.waitFor(row + "[data-state=up]");
    assertTrue(admin.text(row + " [data-testid=node-running]").endsWith("of 8"));

    admin.click(row + " [data-testid=node-drain]");
    admin.waitFor(row + "[data-state=draining] [data-testid=node-resume]");
    assertEquals("draining", nodeState());
    admin.click(row + " [data-testid=node-resume]");
    admin.waitFor(row + "[data-state=up] [data-testid=node-drain]");
    assertEquals("up", nodeState());
  }

  @Test
  void aUserWhoIsNotAnAdminNeitherSeesNorOpensTheNodesPage() {
    Browser user = signedIn("plain", "serial");
    assertTrue(user.$$("[data-nav='/admin/nodes']").isEmpty(), "no link to the nodes page");
    user.go("/admin/nodes");
    user.waitUntil(() -> user.text("main").contains("Administrators only"), "the refusal");
    assertTrue(user.$$("[data-testid=node-row]").isEmpty());
  }

  private String nodeState() {
    JsonObject first = server.admin().get("/api/admin/nodes").expect(200).json().getJsonArray("items").getJsonObject(0);
    return first.getString("state");
  }
}
