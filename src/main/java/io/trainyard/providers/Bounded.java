package io.trainyard.providers;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Runs an asynchronous step over a list with a bound on how many are in flight. */
final class Bounded {
  private Bounded() {
  }

  /**
   * Calls {@code step} for each item, at most {@code limit} at a time; once {@code stop} says so no
   * new step starts (running ones finish). Step failures are the step's business: they are ignored here.
   */
  static <T> Future<Void> forEach(List<T> items, int limit, BooleanSupplier stop, Function<T, Future<?>> step) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    int workers = Math.max(1, Math.min(limit, items.size()));
    AtomicInteger running = new AtomicInteger(workers);
    for (int w = 0; w < workers; w++) {
      worker(items, next, stop, step, () -> {
        if (running.decrementAndGet() == 0) {
          done.complete();
        }
      });
    }
    return done.future();
  }

  private static <T> void worker(List<T> items, AtomicInteger next, BooleanSupplier stop, Function<T, Future<?>> step,
                                 Runnable finished) {
    int i = stop.getAsBoolean() ? items.size() : next.getAndIncrement();
    if (i >= items.size()) {
      finished.run();
      return;
    }
    Future<?> f;
    try {
      f = step.apply(items.get(i));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> worker(items, next, stop, step, finished));
  }
}
