package io.trainyard.jobs;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Group commit: requests that arrive while a write is in flight are written together in the next
 * one. Every submission touches the same few counter rows (job_counts, queue_counts, job_daily), so
 * concurrent submission transactions would otherwise queue behind each other's commit (and fsync)
 * one by one; grouped, a burst costs a few commits. Each caller's future completes, on the caller's
 * own context, only after the write holding its rows committed. A group the database rolled back is
 * retried request by request, so one bad request never fails the others.
 *
 * <p>Lock-free because callers may sit on different event loops: the queue is concurrent and the
 * {@code writing} flag admits one writer at a time.
 */
final class GroupCommit<T, R> {
  private record Request<T, R>(List<T> items, Promise<List<R>> promise, Context context) {
  }

  private final ConcurrentLinkedQueue<Request<T, R>> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final Function<List<T>, Future<List<R>>> write;
  private final int maxItems;
  private final Predicate<Throwable> rolledBack;

  /**
   * @param write      writes items in one transaction; answers one result per item, in order
   * @param maxItems   a group stops growing at this many items (a larger single request is written alone)
   * @param rolledBack whether a failure certainly left nothing written, so each request may be tried alone
   */
  GroupCommit(Function<List<T>, Future<List<R>>> write, int maxItems, Predicate<Throwable> rolledBack) {
    this.write = write;
    this.maxItems = maxItems;
    this.rolledBack = rolledBack;
  }

  Future<List<R>> submit(List<T> items) {
    Promise<List<R>> promise = Promise.promise();
    pending.add(new Request<>(List.copyOf(items), promise, Vertx.currentContext()));
    drain();
    return promise.future();
  }

  private void drain() {
    if (!writing.compareAndSet(false, true)) {
      return; // the writer in flight takes what arrived when it finishes
    }
    List<Request<T, R>> group = new ArrayList<>();
    List<T> items = new ArrayList<>();
    for (Request<T, R> next = pending.peek(); next != null && (group.isEmpty() || items.size() + next.items().size() <= maxItems);
         next = pending.peek()) {
      group.add(pending.poll());
      items.addAll(next.items());
    }
    if (group.isEmpty()) {
      writing.set(false);
      if (!pending.isEmpty()) {
        drain(); // a request arrived between the empty peek and releasing the flag
      }
      return;
    }
    apply(items).onComplete(ar -> {
      try {
        answer(group, ar);
      } finally {
        // Released whatever happened above: a stuck flag would stall every later submission.
        writing.set(false);
        drain();
      }
    });
  }

  private void answer(List<Request<T, R>> group, AsyncResult<List<R>> ar) {
    if (ar.succeeded() && ar.result().size() == group.stream().mapToInt(r -> r.items().size()).sum()) {
      int at = 0;
      for (Request<T, R> r : group) {
        List<R> mine = new ArrayList<>(ar.result().subList(at, at + r.items().size()));
        at += r.items().size();
        complete(r, Future.succeededFuture(mine));
      }
    } else if (group.size() == 1) {
      complete(group.get(0), ar.succeeded() ? Future.failedFuture(new IllegalStateException("write answered "
          + ar.result().size() + " results for " + group.get(0).items().size() + " items")) : Future.failedFuture(ar.cause()));
    } else if (rolledBack.test(ar.cause())) {
      group.forEach(r -> apply(r.items()).onComplete(alone -> complete(r, alone)));
    } else {
      // Not known to have been rolled back (it may have committed): writing again could duplicate.
      group.forEach(r -> complete(r, Future.failedFuture(ar.cause())));
    }
  }

  private Future<List<R>> apply(List<T> items) {
    try {
      return write.apply(items);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void complete(Request<T, R> r, AsyncResult<List<R>> result) {
    if (r.context() == null) {
      r.promise().handle(result);
    } else {
      r.context().runOnContext(v -> r.promise().handle(result));
    }
  }
}
