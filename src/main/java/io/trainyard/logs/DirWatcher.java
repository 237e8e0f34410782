package io.trainyard.logs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Change notifications for directories (inotify on Linux), delivered on one Vert.x context.
 *
 * <p>Threads: {@link WatchService#take} blocks, so it has a thread of its own rather than an event loop
 * or a worker of the shared pool. That thread only takes keys, reads their events and hands a
 * {@link Change} to the context; everything else here (which directories are watched, by how many
 * followers) is owned by the context and touched only from it. Registering and cancelling also block
 * briefly (the JDK hands them to its own poller thread and waits), so they run as ordered blocking
 * tasks of the context: a cancel and a later register of the same directory cannot swap places.
 */
final class DirWatcher {
  private static final Logger LOG = Logger.getLogger(DirWatcher.class.getName());

  /** Files of {@code dir} that changed; {@code overflow}: events were lost, anything in it may have. */
  record Change(Path dir, Set<Path> names, boolean overflow) {
    boolean concerns(Path file) {
      return dir.equals(file.getParent()) && (overflow || names.contains(file.getFileName()));
    }
  }

  private final Vertx vertx;
  private final WatchService service;
  private final Thread thread;
  /** Per watched directory: its registration and how many followers want it (context-owned). */
  private final Map<Path, Registration> dirs = new HashMap<>();

  private static final class Registration {
    final Future<WatchKey> key;
    int users = 1;

    Registration(Future<WatchKey> key) {
      this.key = key;
    }
  }

  private DirWatcher(Vertx vertx, Context context, WatchService service, Consumer<Change> onChange) {
    this.vertx = vertx;
    this.service = service;
    this.thread = new Thread(() -> takeLoop(context, onChange), "trainyard-log-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts watching for {@code context}, which gets every {@link Change}. Fails if the file system
   * offers no watch service (the caller then relies on polling).
   */
  static DirWatcher start(Vertx vertx, Context context, Consumer<Change> onChange) throws IOException {
    return new DirWatcher(vertx, context, FileSystems.getDefault().newWatchService(), onChange);
  }

  /** One more follower wants {@code dir}; completes once changes made from now on are reported. */
  Future<Void> watch(Path dir) {
    Registration r = dirs.get(dir);
    if (r != null) {
      r.users++;
      return r.key.mapEmpty();
    }
    r = new Registration(vertx.executeBlocking(() -> dir.register(service,
        StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY), true));
    dirs.put(dir, r);
    return r.key.mapEmpty();
  }

  /** A follower no longer wants {@code dir}; the last one cancels its registration. */
  void unwatch(Path dir) {
    Registration r = dirs.get(dir);
    if (r == null || --r.users > 0) {
      return;
    }
    dirs.remove(dir);
    // Ordered after the register (a cancel cannot precede it), and before any later register of dir.
    vertx.executeBlocking(() -> {
      WatchKey key = r.key.result();
      if (key != null) {
        key.cancel();
      }
      return null;
    }, true);
  }

  /** Stops the thread and releases the watch service (and with it every registration). */
  Future<Void> close() {
    dirs.clear();
    return vertx.executeBlocking(() -> {
      service.close(); // take() then throws ClosedWatchServiceException and the thread ends
      thread.join(5_000);
      return null;
    }, false);
  }

  private void takeLoop(Context context, Consumer<Change> onChange) {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      }
      Set<Path> names = new HashSet<>();
      boolean overflow = false;
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          overflow = true;
        } else {
          names.add((Path) event.context());
        }
      }
      // Reset before handing over: a change made while the context reads is reported again.
      key.reset();
      Change change = new Change((Path) key.watchable(), names, overflow);
      try {
        context.runOnContext(v -> onChange.accept(change));
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "log watcher: context gone", e);
        return;
      }
    }
  }
}
