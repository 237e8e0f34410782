package io.trainyard.bench;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * A raw client of the SockJS bridge's websocket endpoint, like {@code testing.BridgeClient}, except that
 * every frame is stamped with the wall clock the moment its last fragment arrives and handed straight to
 * a sink (no queue in between, so the stamp is the arrival time and not the time someone looked).
 * Each client has its own {@link HttpClient}, i.e. its own connection and selector thread.
 */
final class PushClient implements AutoCloseable {
  /** Receives every frame on the client's websocket thread; keep it short. */
  interface Sink {
    void frame(PushClient client, long arrivalWallNs, JsonObject frame);
  }

  final int index;
  private WebSocket ws;
  private volatile boolean closed;
  private volatile String closeReason;
  private final java.util.concurrent.CompletableFuture<Void> gone = new java.util.concurrent.CompletableFuture<>();

  private PushClient(int index) {
    this.index = index;
  }

  /** Wall-clock nanoseconds since the epoch (the clock {@code date +%s%N} and $EPOCHREALTIME read). */
  static long wallNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Connects with the session cookie of {@code token} and the server's own Origin. */
  static PushClient connect(int index, String baseUrl, String token, Sink sink) {
    PushClient self = new PushClient(index);
    StringBuilder partial = new StringBuilder();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        return onData(w, data, last);
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        return onData(w, StandardCharsets.UTF_8.decode(data), last);
      }

      private CompletionStage<?> onData(WebSocket w, CharSequence s, boolean last) {
        if (last) {
          long at = wallNs();
          String text;
          if (partial.length() == 0) {
            text = s.toString();
          } else {
            text = partial.append(s).toString();
            partial.setLength(0);
          }
          try {
            sink.frame(self, at, new JsonObject(text));
          } catch (RuntimeException e) {
            System.err.println("client " + index + ": bad frame or sink failure: " + e);
          }
        } else {
          partial.append(s);
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
        self.closed = true;
        self.closeReason = statusCode + " " + reason;
        self.gone.complete(null);
        return null;
      }

      @Override
      public void onError(WebSocket w, Throwable error) {
        self.closed = true;
        self.closeReason = String.valueOf(error);
        self.gone.complete(null);
      }
    };
    self.ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .header("Cookie", "trainyard_session=" + token)
        .header("Origin", baseUrl)
        .buildAsync(URI.create(baseUrl.replace("http://", "ws://") + "/eventbus/websocket"), listener)
        .join();
    return self;
  }

  synchronized void send(JsonObject frame) {
    if (!closed) {
      ws.sendText(frame.encode(), true).join();
    }
  }

  void register(String address) {
    send(new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject()));
  }

  /** The bridge closes a socket that has not pinged within its ping timeout (10 s by default). */
  void ping() {
    send(new JsonObject().put("type", "ping"));
  }

  boolean closed() {
    return closed;
  }

  String closeReason() {
    return closeReason;
  }

  /** Starts a clean close handshake (an aborted socket makes the server log an error); see {@link #close()}. */
  java.util.concurrent.CompletableFuture<Void> closeGracefully() {
    synchronized (this) {
      if (!closed) {
        closed = true;
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      }
    }
    return gone;
  }

  @Override
  public void close() {
    try {
      closeGracefully().get(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // no answer: drop it
    }
    ws.abort();
  }
}
