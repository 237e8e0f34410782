package io.trainyard.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Hazelcast cluster manager of a clustered node: members found by a TCP/IP list only (multicast
 * and auto-detection off), this node announcing {@code host:port}, and membership followed for the
 * liveness of nodes ({@link Membership}).
 */
public final class HazelcastCluster implements Membership {
  private final HazelcastClusterManager manager;

  private HazelcastCluster(HazelcastClusterManager manager) {
    this.manager = manager;
  }

  /** A cluster manager for these settings; Vert.x joins it when it is built clustered. */
  public static HazelcastCluster create(ClusterSettings s) {
    Config config = ConfigUtil.loadConfig(); // Vert.x's maps for subscriptions and node info
    config.setClusterName(s.name());
    // Logged through java.util.logging like the rest; no phone-home; a lone first node does not wait
    // for others before it forms the cluster, and a dead member is noticed in seconds, not a minute.
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    config.setProperty("hazelcast.local.localAddress", s.host());
    NetworkConfig net = config.getNetworkConfig();
    int port = s.port() == 0 ? freePort(s.host()) : s.port();
    net.setPort(port).setPortAutoIncrement(false).setPublicAddress(s.host() + ":" + port);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(s.members()).setConnectionTimeoutSeconds(2);
    return new HazelcastCluster(new HazelcastClusterManager(config));
  }

  /** The event bus of a clustered node: its own port, reachable at the announced host. */
  public static EventBusOptions eventBus(ClusterSettings s) {
    return new EventBusOptions().setHost(s.host()).setPort(s.eventBusPort()).setClusterPublicHost(s.host());
  }

  public HazelcastClusterManager manager() {
    return manager;
  }

  @Override
  public List<String> members() {
    return manager.getNodes();
  }

  @Override
  public String memberId() {
    return manager.getNodeId();
  }

  /** A listener of Hazelcast's own, beside the one Vert.x keeps for its subscriptions. */
  @Override
  public void onLeft(Consumer<String> memberId) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // a joining node registers itself in PostgreSQL
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        memberId.accept(event.getMember().getUuid().toString());
      }
    });
  }

  /** Hazelcast wants a fixed port; "any free port" is one the system hands out now. */
  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the cluster on " + host, e);
    }
  }
}
