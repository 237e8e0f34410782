package io.trainyard.logs;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** Serves reads of this node's job logs; paths are confined to the artifacts directory. */
public final class LogTailVerticle extends VerticleBase {
  private final String nodeId;
  private final Path artifacts;
  private final int tailChars;
  private MessageConsumer<JsonObject> consumer;

  public LogTailVerticle(String nodeId, Path artifacts, int tailChars) {
    this.nodeId = nodeId;
    this.artifacts = artifacts.toAbsolutePath().normalize();
    this.tailChars = tailChars;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(LogsApi.read(nodeId), this::read);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private void read(Message<JsonObject> msg) {
    JsonObject req = msg.body();
    Path log = confined(req.getString("log_path"));
    Path dir = confined(req.getString("artifacts_dir"));
    if (log == null || dir == null) {
      msg.reply(new JsonObject().put("log", "").put("logs", "").put("offset", 0).put("next_offset", 0));
      return;
    }
    Path fallback = dir.resolve("logger").resolve("log.txt");
    String mode = req.getString("mode", "tail");
    vertx.executeBlocking(() -> {
      Path file = LogReader.effective(log, fallback);
      switch (mode) {
        case "offset" -> {
          long offset = req.getLong("offset");
          LogReader.Chunk c = LogReader.from(file, offset);
          return new JsonObject().put("log", c.text()).put("offset", offset).put("next_offset", c.nextOffset());
        }
        case "lines" -> {
          return new JsonObject().put("logs", LogReader.lastLines(file, req.getInteger("lines"), 4 * 1024 * 1024));
        }
        default -> {
          return new JsonObject().put("log", LogReader.tail(file, tailChars));
        }
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, "log read failed");
      }
    });
  }

  private Path confined(String p) {
    if (p == null) {
      return null;
    }
    Path path = Path.of(p).toAbsolutePath().normalize();
    return path.startsWith(artifacts) ? path : null;
  }
}
