package io.trainyard.cluster;

import io.trainyard.app.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster settings come from the documented variables, and a cluster that cannot work says why. */
class ClusterSettingsTest {

  private static ClusterSettings fromEnv(Map<String, String> env) {
    return ClusterSettings.from(AppConfig.section(AppConfig.withEnv(new JsonObject(), env), "cluster"));
  }

  @Test
  void theDocumentedVariablesSetEveryClusterSetting() {
    ClusterSettings s = fromEnv(Map.of("TRAINYARD_CLUSTER", "true",
        "TRAINYARD_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5702", "TRAINYARD_CLUSTER_HOST", "10.0.0.1",
        "TRAINYARD_CLUSTER_PORT", "5711", "TRAINYARD_EVENTBUS_PORT", "6000"));
    assertTrue(s.enabled());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5702"), s.members());
    assertEquals("10.0.0.1", s.host());
    assertEquals(5711, s.port());
    assertEquals(6000, s.eventBusPort());
    assertEquals(30, s.nodeTimeoutSeconds());
    assertEquals(List.of(), s.problems("postgresql://u:p@db:5432/trainyard"));
  }

  @Test
  void aClusterWithoutASharedDatabaseMembersOrSoundPortsNamesEachProblem() {
    ClusterSettings s = fromEnv(Map.of("TRAINYARD_CLUSTER", "1", "TRAINYARD_CLUSTER_PORT", "70000",
        "TRAINYARD_CLUSTER_MEMBERS", "just-a-host"));
    List<String> problems = s.problems("");
    assertTrue(problems.stream().anyMatch(p -> p.contains("TRAINYARD_DB_URL")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("'just-a-host' is not host:port")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("TRAINYARD_CLUSTER_PORT")), problems.toString());

    List<String> none = fromEnv(Map.of("TRAINYARD_CLUSTER", "true")).problems("postgresql://db/x");
    assertTrue(none.stream().anyMatch(p -> p.contains("TRAINYARD_CLUSTER_MEMBERS")), none.toString());
  }

  @Test
  void aNodeThatIsNotClusteredNeedsNothing() {
    ClusterSettings s = fromEnv(Map.of());
    assertFalse(s.enabled());
    assertEquals(List.of(), s.problems(""));
  }
}
