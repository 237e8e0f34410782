package io.trainyard.jobs;

import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether the data directory can take a new job's files: it must be a writable directory (a small
 * probe file is written, flushed and removed) with at least {@code minFreeBytes} free. Submissions ask
 * before anything is written, so a full or unwritable disk refuses them with 507 and creates nothing;
 * jobs already queued or running are not touched. The answer is kept for a second: submissions arrive
 * thousands a second, and the disk does not change that fast.
 */
public final class StorageCheck {
  private static final long MAX_AGE_MS = 1000;
  private static final byte[] PROBE = new byte[4096];
  private final Vertx vertx;
  private final Path dir;
  private final long minFreeBytes;
  private Future<Void> last;
  private long checkedAt;

  /** @param dir where job directories are made ({@code <data>/artifacts/jobs}) */
  public StorageCheck(Vertx vertx, Path dir, long minFreeBytes) {
    this.vertx = vertx;
    this.dir = dir;
    this.minFreeBytes = minFreeBytes;
  }

  /** Succeeds when there is room; fails with a 507 {@link DomainException} saying what is wrong. */
  public synchronized Future<Void> ready() {
    long now = System.currentTimeMillis();
    if (last == null || now - checkedAt >= MAX_AGE_MS) {
      checkedAt = now;
      last = vertx.executeBlocking(this::probe, false);
    }
    return last;
  }

  private Void probe() {
    Path file = dir.resolve(".storage-probe");
    try {
      if (!Files.isDirectory(dir)) {
        throw new IOException(dir + " is not a directory");
      }
      Files.write(file, PROBE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
      Files.delete(file);
    } catch (IOException | RuntimeException e) {
      throw new DomainException(DomainException.Kind.INSUFFICIENT_STORAGE,
          "The data directory cannot take new jobs (" + e.getMessage() + "); nothing was created");
    }
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      free = 0;
    }
    if (free < minFreeBytes) {
      throw new DomainException(DomainException.Kind.INSUFFICIENT_STORAGE, String.format(
          "The data directory is full: %d MiB free, new jobs need at least %d MiB; nothing was created",
          free >> 20, minFreeBytes >> 20));
    }
    return null;
  }
}
