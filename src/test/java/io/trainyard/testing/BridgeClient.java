package io.trainyard.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A raw client of the SockJS bridge's websocket endpoint (the frames of the Vert.x bridge protocol). */
public final class BridgeClient implements AutoCloseable {
  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

  private BridgeClient(WebSocket ws) {
    this.ws = ws;
  }

  /** Connects with the session cookie of {@code token} (may be null) and the given Origin (may be null). */
  public static BridgeClient connect(String baseUrl, String token, String origin) {
    BridgeClient[] self = new BridgeClient[1];
    StringBuilder partial = new StringBuilder();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        return onData(w, data.toString(), last);
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        return onData(w, StandardCharsets.UTF_8.decode(data).toString(), last);
      }

      private CompletionStage<?> onData(WebSocket w, String s, boolean last) {
        partial.append(s);
        if (last) {
          self[0].frames.add(new JsonObject(partial.toString()));
          partial.setLength(0);
        }
        w.request(1);
        return null;
      }
    };
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (token != null) {
      b.header("Cookie", "trainyard_session=" + token);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    self[0] = new BridgeClient(null);
    WebSocket ws = b.buildAsync(URI.create(baseUrl.replace("http://", "ws://") + "/eventbus/websocket"), listener).join();
    BridgeClient client = new BridgeClient(ws);
    // Frames received before the constructor ran went to the placeholder; share one queue.
    client.frames.addAll(self[0].frames);
    self[0] = client;
    return client;
  }

  public void send(JsonObject frame) {
    ws.sendText(frame.encode(), true).join();
  }

  public void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject()));
  }

  /** The next frame matching the predicate within the timeout, or null. */
  public JsonObject await(Predicate<JsonObject> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      JsonObject f = frames.poll(left, TimeUnit.NANOSECONDS);
      if (f != null && p.test(f)) {
        return f;
      }
    }
  }

  /** Every frame received so far (drains the queue). */
  public java.util.List<JsonObject> drain() {
    java.util.List<JsonObject> out = new java.util.ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  @Override
  public void close() {
    ws.abort();
  }
}
