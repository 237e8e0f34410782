package io.trainyard.providers;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Refreshing active cloud jobs from their provider: one request per job, page by page, with a bounded
 * number in flight; used by the poller and by {@code sync_active} lists.
 */
final class CloudRefresh {
  private static final Logger LOG = Logger.getLogger(CloudRefresh.class.getName());
  private static final int PAGE = 200;
  private final CloudJobs cloud;

  CloudRefresh(CloudJobs cloud) {
    this.cloud = cloud;
  }

  /** Counters of one refresh pass. */
  static final class Stats {
    final AtomicInteger checked = new AtomicInteger();
    final AtomicInteger changed = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger jobErrors = new AtomicInteger();
    /** The provider-wide failure that stopped the pass (rate limit, outage, credentials), or null. */
    ProviderException stoppedBy;

    JsonObject toJson() {
      return new JsonObject().put("jobs_checked", checked.get()).put("changed", changed.get())
          .put("requests", requests.get()).put("job_errors", jobErrors.get())
          .put("error", stoppedBy == null ? null : stoppedBy.toDomain().getMessage());
    }
  }

  /**
   * Refreshes every active cloud job of a provider ({@code owner} null = every user). A provider-wide
   * failure stops the pass (no new calls are started) and is left in {@link Stats#stoppedBy}; jobs are
   * never failed for it.
   */
  Future<Stats> activeJobs(String providerName, Long owner, Stats stats) {
    Provider provider = cloud.providers().get(providerName);
    if (provider == null) {
      return Future.succeededFuture(stats);
    }
    if (!provider.configured()) {
      // Only trouble if there is something to refresh.
      return cloud.repository().activePage(providerName, owner, "", 1).map(page -> {
        if (!page.isEmpty()) {
          stats.stoppedBy = CloudJobs.notConfiguredError(provider);
        }
        return stats;
      });
    }
    return page(provider, owner, "", stats).map(stats);
  }

  private Future<Void> page(Provider provider, Long owner, String after, Stats stats) {
    return cloud.repository().activePage(provider.name(), owner, after, PAGE).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      return Bounded.forEach(page, cloud.concurrency(), () -> stats.stoppedBy != null, ref -> one(provider, ref, stats))
          .compose(x -> stats.stoppedBy != null || page.size() < PAGE ? Future.succeededFuture()
              : page(provider, owner, page.get(page.size() - 1).jobId(), stats));
    });
  }

  private Future<Void> one(Provider provider, CloudJobRepository.Ref ref, Stats stats) {
    stats.requests.incrementAndGet();
    return provider.get(ref.kind(), ref.externalId()).transform(ar -> {
      stats.checked.incrementAndGet();
      if (ar.succeeded()) {
        return cloud.apply(ref.jobId(), provider, ar.result());
      }
      if (ar.cause() instanceof ProviderException pe && pe.notFound()) {
        return cloud.applyMissing(ref.jobId(), provider, ref);
      }
      if (ar.cause() instanceof ProviderException pe && pe.providerWide()) {
        if (stats.stoppedBy == null) {
          stats.stoppedBy = pe;
        }
        return Future.succeededFuture(false);
      }
      stats.jobErrors.incrementAndGet();
      LOG.log(Level.FINE, "refreshing " + ref.jobId() + " failed", ar.cause());
      return Future.succeededFuture(false);
    }).<Void>map(changed -> {
      if (changed) {
        stats.changed.incrementAndGet();
      }
      return null;
    }).recover(err -> {
      stats.jobErrors.incrementAndGet();
      LOG.log(Level.WARNING, "applying the provider state of " + ref.jobId() + " failed", err);
      return Future.succeededFuture();
    });
  }
}
