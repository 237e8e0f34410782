package io.trainyard.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/** A raw client of the SockJS bridge's websocket endpoint (the frames of the Vert.x bridge protocol). */
public final class BridgeClient implements AutoCloseable {
  private final WebSocket ws;
  /** The {@code type} of the markers tests publish to bound what has arrived (no event of the server has it). */
  public static final String MARKER = "test_marker";
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  /** Completes when the server closes the socket (or the connection breaks). */
  private final java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
  /** When set, the client stops asking for frames: the server's writes pile up in TCP buffers. */
  private volatile boolean stalled;

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
        if (!self[0].stalled) {
          w.request(1);
        }
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
        self[0].closed.complete(null);
        return null;
      }

      @Override
      public void onError(WebSocket w, Throwable error) {
        self[0].closed.complete(null);
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
    self[0].closed.whenComplete((v, e) -> client.closed.complete(null));
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

  /**
   * Publishes a marker on {@code address} (with {@code publish}, e.g. {@link TestServer#publish}) until
   * one comes back, and answers the frames that arrived before it, markers left out; frames after it
   * stay queued. Events on one address arrive in the order they were published, so by then every event
   * published there before has arrived too; and a marker coming back also shows that this socket's
   * registration for the address is in place.
   */
  public List<JsonObject> framesBeforeMarker(BiConsumer<String, JsonObject> publish, String address, Duration timeout) {
    String id = UUID.randomUUID().toString();
    List<JsonObject> before = new ArrayList<>();
    try {
      Await.until("a marker published on " + address + " to arrive on the socket", timeout, () -> {
        publish.accept(address, new JsonObject().put("type", MARKER).put("marker", id));
        for (JsonObject f; (f = frames.poll()) != null; ) {
          if (isMarker(f)) {
            if (id.equals(body(f).getString("marker"))) {
              return true;
            }
          } else {
            before.add(f);
          }
        }
        return false;
      }, Boolean::booleanValue);
    } catch (Await.Timeout e) {
      throw new AssertionError(e.getMessage() + "; frames meanwhile: " + before, e);
    }
    return before;
  }

  /** A frame of a test marker (see {@link #framesBeforeMarker}). */
  public static boolean isMarker(JsonObject frame) {
    return MARKER.equals(body(frame).getString("type"));
  }

  private static JsonObject body(JsonObject frame) {
    return frame.getValue("body") instanceof JsonObject b ? b : new JsonObject();
  }

  /** Every frame received so far (drains the queue). */
  public List<JsonObject> drain() {
    List<JsonObject> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** Whether the server has closed this socket. */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Stops reading: from now on nothing more is taken from the connection (a client that hangs). */
  public void stall() {
    stalled = true;
  }

  @Override
  public void close() {
    ws.abort();
  }
}
