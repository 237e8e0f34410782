package io.trainyard.bench;

import io.trainyard.bench.BenchSupport.LongList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A cheap HTTP load generator: its own Vert.x with one event loop, a pool of {@code connections}
 * keep-alive HTTP/1.1 connections, and as many "lanes" as connections, each sending its next request
 * the moment the previous answer is in (concurrency, not HTTP pipelining). Every request carries the
 * bearer token; latency is from the request's creation to the last byte of the answer.
 */
final class LoadClient implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int port;
  private final String token;
  private final int connections;

  /** What one {@link #run} did: answers by status class, latencies of the 2xx ones, wall time. */
  record Outcome(int ok, int failed, String firstFailure, double seconds, long[] latencyNs) {
    double perSecond() {
      return seconds <= 0 ? 0 : ok / seconds;
    }

    long p(double q) {
      return BenchSupport.pct(latencyNs, q);
    }
  }

  /** One answer: status and body. */
  record Reply(int status, String body) {
  }

  LoadClient(int port, String token, int connections) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
    this.port = port;
    this.token = token;
    this.connections = connections;
  }

  /** A POST of {@code body}, or a GET when it is null. */
  private Future<Reply> send(String path, Buffer body) {
    RequestOptions req = new RequestOptions().setMethod(body == null ? HttpMethod.GET : HttpMethod.POST).setHost("127.0.0.1")
        .setPort(port).setURI(path).putHeader("Authorization", "Bearer " + token);
    if (body != null) {
      req.putHeader("Content-Type", "application/json");
    }
    return client.request(req).compose(r -> body == null ? r.send() : r.send(body)).compose(resp -> resp.body()
        .map(b -> new Reply(resp.statusCode(), b.toString())));
  }

  /** One POST, blocking. */
  Reply once(String path, String body) throws Exception {
    return send(path, Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /**
   * POSTs {@code body} (GETs, when it is null) to {@code path} from every lane until {@code count} requests were sent or
   * {@code seconds} have passed, whichever is first, and waits for the answers in flight.
   * {@code onOk} sees each 2xx body on the client's event loop (keep it short), or is null.
   */
  Outcome run(String path, String body, int count, double seconds, Consumer<String> onOk) throws Exception {
    Buffer payload = body == null ? null : Buffer.buffer(body);
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    LongList latency = new LongList();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    AtomicInteger lanesLeft = new AtomicInteger(connections);
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable[] lane = new Runnable[1];
    lane[0] = () -> {
      if (System.nanoTime() >= deadline || issued.incrementAndGet() > count) {
        if (lanesLeft.decrementAndGet() == 0) {
          done.complete(null);
        }
        return;
      }
      long t = System.nanoTime();
      send(path, payload).onComplete(ar -> {
        if (ar.succeeded() && ar.result().status() / 100 == 2) {
          latency.add(System.nanoTime() - t);
          ok.incrementAndGet();
          if (onOk != null) {
            onOk.accept(ar.result().body());
          }
        } else {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, ar.succeeded()
              ? "HTTP " + ar.result().status() + " " + abbreviate(ar.result().body()) : String.valueOf(ar.cause()));
        }
        lane[0].run();
      });
    };
    vertx.runOnContext(v -> {
      for (int i = 0; i < connections; i++) {
        lane[0].run();
      }
    });
    done.get((long) seconds + 300, TimeUnit.SECONDS);
    double secs = (System.nanoTime() - start) / 1e9;
    return new Outcome(ok.get(), failed.get(), firstFailure.get(), secs, latency.sorted());
  }

  static String abbreviate(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ");
    return one.length() > 160 ? one.substring(0, 160) + "..." : one;
  }

  @Override
  public void close() {
    client.close().await();
    vertx.close().await();
  }
}
