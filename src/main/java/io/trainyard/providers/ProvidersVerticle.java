package io.trainyard.providers;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Job;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one owner of cloud work: submit, cancel, sync, list refresh, webhooks and the poller all run
 * here, on this verticle's event loop, through {@link ProvidersApi}; so no cloud state is ever touched
 * from two threads and nothing needs a lock.
 */
public final class ProvidersVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ProvidersVerticle.class.getName());
  private final CloudJobs cloud;
  private final JsonObject polling;
  private final String nodeId;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private CloudSubmissions submissions;
  private CloudSync sync;
  private CloudWebhooks webhooks;
  private CloudPoller poller;

  public ProvidersVerticle(CloudJobs cloud, JsonObject polling, String nodeId) {
    this.cloud = cloud;
    this.polling = polling;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    submissions = new CloudSubmissions(cloud);
    sync = new CloudSync(cloud);
    webhooks = new CloudWebhooks(cloud);
    poller = new CloudPoller(vertx, cloud, polling, nodeId);
    serve(ProvidersApi.SUBMIT, b -> submissions.submit(user(b), object(b, "body")).map(Job::toJson));
    serve(ProvidersApi.LIST, b -> sync.list(user(b), query(b), b.getBoolean("sync_active", false)));
    serve(ProvidersApi.SYNC, b -> sync.sync(user(b), b.getString("provider", ReplicateProvider.NAME)));
    serve(ProvidersApi.INLINE_PROGRESS, b -> cloud.inlineProgress(user(b), b.getString("job_id")));
    serve(ProvidersApi.CANCEL, b -> (b.containsKey("user") ? cloud.cancel(user(b), b.getString("job_id"))
        : cloud.cancelById(b.getString("job_id"))).map(Job::toJson));
    serve(ProvidersApi.WEBHOOK, b -> webhooks.webhook(b.getString("provider"), headers(b), bytes(b)));
    serve(ProvidersApi.VALIDATE, b -> cloud.validate(b.getString("provider")));
    serve(ProvidersApi.POLL_NOW, b -> poller.runCycle());
    serve(ProvidersApi.POLLER_STATUS, b -> Future.succeededFuture(poller.status()));
    poller.start();
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(poller.stop(), Future.all(consumers.stream().map(MessageConsumer::unregister).toList()));
  }

  /** One request-reply address; domain failures travel back as they are, anything else is logged. */
  private void serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, msg -> {
      JsonObject b = msg.body() == null ? new JsonObject() : msg.body();
      Future<JsonObject> answer;
      try {
        answer = handler.apply(b);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> reply(msg, address, ar.succeeded() ? ar.result() : null, ar.cause()));
    }));
  }

  private static void reply(Message<JsonObject> msg, String address, JsonObject result, Throwable err) {
    if (err == null) {
      msg.reply(result);
      return;
    }
    if (!(err instanceof DomainException)) {
      LOG.log(Level.WARNING, address + " failed", err);
    }
    DomainException.reply(msg, err);
  }

  private static User user(JsonObject b) {
    JsonObject u = b.getJsonObject("user");
    if (u == null) {
      throw new IllegalArgumentException("request without a user");
    }
    return User.fromJson(u);
  }

  private static JsonObject object(JsonObject b, String key) {
    JsonObject body = b.getJsonObject(key);
    return body == null ? new JsonObject() : body;
  }

  private static MultiMap query(JsonObject b) {
    MultiMap q = MultiMap.caseInsensitiveMultiMap();
    b.getJsonObject("query", new JsonObject()).forEach(e -> q.add(e.getKey(), String.valueOf(e.getValue())));
    return q;
  }

  private static MultiMap headers(JsonObject b) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    b.getJsonObject("headers", new JsonObject()).forEach(e -> {
      if (e.getValue() != null) {
        h.add(e.getKey(), String.valueOf(e.getValue()));
      }
    });
    return h;
  }

  private static Buffer bytes(JsonObject b) {
    Buffer raw = b.getBuffer("body");
    return raw == null ? Buffer.buffer() : raw;
  }
}
