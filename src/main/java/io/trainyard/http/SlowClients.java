package io.trainyard.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.logging.Logger;

/**
 * Drops push clients that do not read. A polite close queues behind the unread data (a websocket close
 * frame, the end of a chunked stream) and never completes while the client stalls, so the connection
 * itself is closed at once: the client sees it drop, reconnects, and resumes its logs by offset.
 */
final class SlowClients {
  private static final Logger LOG = Logger.getLogger(SlowClients.class.getName());

  private SlowClients() {
  }

  static void drop(SockJSSocket socket) {
    LOG.warning("dropping a bridge client whose write queue is full: " + socket.remoteAddress());
    socket.close();
    if (socket.routingContext() != null) {
      hardClose(socket.routingContext().request().connection());
    }
  }

  static void drop(HttpConnection connection, String who) {
    LOG.warning("dropping an event stream client whose write queue is full: " + who);
    hardClose(connection);
  }

  private static void hardClose(HttpConnection connection) {
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
      // Straight to the transport, past every handler (Vert.x's own turns a close into a graceful one,
      // and after a websocket upgrade the request's handler is no longer in the pipeline).
      var first = base.channel().pipeline().firstContext();
      if (first != null) {
        first.close();
      } else {
        base.channel().close();
      }
    } else if (connection != null) {
      connection.close();
    }
  }
}
