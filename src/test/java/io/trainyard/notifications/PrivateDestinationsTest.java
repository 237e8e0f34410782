package io.trainyard.notifications;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without notifications.allow_private, an endpoint cannot point the server at its own network. */
class PrivateDestinationsTest {

  @Test
  void loopbackPrivateLinkLocalAndUniqueLocalAddressesAreNotPublic() throws Exception {
    for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "255.255.255.255"}) {
      assertFalse(Destinations.isPublic(InetAddress.getByName(a)), a);
    }
    for (String a : new String[] {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"}) {
      assertTrue(Destinations.isPublic(InetAddress.getByName(a)), a);
    }
  }

  @Test
  void aDeliveryConnectsToTheAddressThatWasCheckedNotToAFreshLookup() throws Exception {
    Destinations strict = new Destinations(false);
    Destinations.Decision pinned = strict.decide("https://8.8.8.8:8443/hook");
    assertEquals(null, pinned.refusal());
    assertEquals(InetAddress.getByName("8.8.8.8"), pinned.address(), "the checked address is the one connected to");
    Destinations.Decision refused = strict.decide("http://localhost:9/hook");
    assertTrue(refused.refusal().contains("private or local"), refused.refusal());
    assertEquals(null, refused.address());
    assertEquals(null, new Destinations(true).decide("http://localhost:9/hook").address(), "allowed: the client resolves");
  }

  @Test
  void registeringALoopbackEndpointIsRefusedByDefault() {
    try (TestServer server = TestServer.start()) {
      Api frank = server.user("frank", "serial");
      for (String url : new String[] {"http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]/hook",
          "http://169.254.169.254/latest/meta-data"}) {
        JsonObject problem = frank.post("/api/notifications", new JsonObject().put("url", url)
            .put("events", new JsonArray().add("job.failed"))).problem(400);
        assertEquals("url", problem.getJsonArray("errors").getJsonObject(0).getString("field"), url);
      }
      assertEquals(0, frank.get("/api/notifications").json().getJsonArray("items").size());
    }
  }
}
