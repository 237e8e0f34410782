package io.trainyard.cluster;

import java.util.List;
import java.util.function.Consumer;

/** What the cluster manager knows about membership; a node alone is a cluster of one. */
public interface Membership {
  /** The member ids the cluster manager sees now, this node's included. */
  List<String> members();

  /** This node's member id ("" alone). */
  String memberId();

  /** Called (on a cluster manager thread) with the member id of each member that leaves. */
  void onLeft(Consumer<String> memberId);

  /** A node that is not clustered. */
  static Membership alone() {
    return new Membership() {
      @Override
      public List<String> members() {
        return List.of("");
      }

      @Override
      public String memberId() {
        return "";
      }

      @Override
      public void onLeft(Consumer<String> memberId) {
        // nobody else to leave
      }
    };
  }
}
