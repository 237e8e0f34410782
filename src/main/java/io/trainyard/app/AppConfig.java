package io.trainyard.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;

import java.util.Map;

/**
 * Loads {@code conf/application.yaml} once and lays the contract's environment variables over it.
 * Everything downstream reads plain JSON slices, so tests can hand in a config object directly.
 */
public final class AppConfig {

  /** Environment variable -> dotted config key, exactly the table of the API contract. */
  private static final Map<String, String> ENV_KEYS = Map.ofEntries(
      Map.entry("TRAINYARD_HTTP_PORT", "http.port"),
      Map.entry("TRAINYARD_HTTP_HOST", "http.host"),
      Map.entry("TRAINYARD_DATA_DIR", "data_dir"),
      Map.entry("TRAINYARD_DB_URL", "db.url"),
      Map.entry("TRAINYARD_ADMIN_PASSWORD", "auth.admin_password"),
      Map.entry("TRAINYARD_DEMO_STEP_MS", "jobs.demo_step_ms"),
      Map.entry("TRAINYARD_JOB_POLL_INTERVAL", "background.job_status_polling.interval_seconds"),
      Map.entry("TRAINYARD_REPLICATE_BASE_URL", "providers.replicate.base_url"),
      Map.entry("REPLICATE_API_TOKEN", "providers.replicate.api_token"),
      Map.entry("TRAINYARD_REPLICATE_WEBHOOK_SECRET", "providers.replicate.webhook_secret"),
      Map.entry("TRAINYARD_REPLICATE_WEBHOOK_URL", "providers.replicate.webhook_url"),
      Map.entry("TRAINYARD_NODE_CAPACITY", "scheduler.node_capacity"),
      Map.entry("TRAINYARD_CLUSTER", "cluster.enabled"),
      Map.entry("TRAINYARD_CLUSTER_MEMBERS", "cluster.members"),
      Map.entry("TRAINYARD_CLUSTER_PORT", "cluster.port"),
      Map.entry("TRAINYARD_CLUSTER_HOST", "cluster.host"),
      Map.entry("TRAINYARD_EVENTBUS_PORT", "cluster.eventbus_port"),
      Map.entry("TRAINYARD_NODE_ID", "node_id"),
      Map.entry("TRAINYARD_NODE_GPUS", "node.gpus"),
      Map.entry("TRAINYARD_NOTIFICATIONS_KEY", "notifications.key"),
      Map.entry("TRAINYARD_NODE_CPUS", "node.cpus"),
      Map.entry("TRAINYARD_NODE_MEMORY_MB", "node.memory_mb"),
      Map.entry("TRAINYARD_METRICS_TOKEN", "metrics.token"),
      Map.entry("TRAINYARD_LOG_FORMAT", "logging.format"));

  private AppConfig() {
  }

  /** Reads the YAML file (optional) and applies environment overrides. */
  public static Future<JsonObject> load(Vertx vertx, String path, Map<String, String> env) {
    ConfigStoreOptions yaml = new ConfigStoreOptions().setType("file").setFormat("yaml").setOptional(true)
        .setConfig(new JsonObject().put("path", path));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(yaml));
    return retriever.getConfig()
        .map(conf -> withEnv(conf, env))
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        });
  }

  /** Returns a copy of {@code conf} with the contract's environment variables applied. */
  public static JsonObject withEnv(JsonObject conf, Map<String, String> env) {
    JsonObject out = conf.copy();
    ENV_KEYS.forEach((var, key) -> {
      String value = env.get(var);
      if (value != null && !value.isBlank()) {
        put(out, key, typed(key, value.trim()));
      }
    });
    return out;
  }

  private static Object typed(String key, String value) {
    if (key.equals("cluster.members")) {
      JsonArray members = new JsonArray();
      for (String m : value.split(",")) {
        if (!m.isBlank()) {
          members.add(m.trim());
        }
      }
      return members;
    }
    if (key.equals("cluster.enabled")) {
      return Boolean.parseBoolean(value) || value.equals("1");
    }
    if (value.matches("-?\\d{1,18}")) {
      return Long.parseLong(value);
    }
    return value;
  }

  /** Sets a dotted key, creating intermediate objects. */
  public static void put(JsonObject root, String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    JsonObject cur = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = cur.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        cur.put(parts[i], next);
      }
      cur = next;
    }
    cur.put(parts[parts.length - 1], value);
  }

  /** A sub-object of the config, never null. */
  public static JsonObject section(JsonObject conf, String dottedKey) {
    JsonObject cur = conf;
    for (String part : dottedKey.split("\\.")) {
      Object next = cur.getValue(part);
      if (!(next instanceof JsonObject)) {
        return new JsonObject();
      }
      cur = (JsonObject) next;
    }
    return cur;
  }

  /** Deep merge: values of {@code over} win; objects merge recursively. */
  public static JsonObject merge(JsonObject base, JsonObject over) {
    return base.copy().mergeIn(over, true);
  }
}
