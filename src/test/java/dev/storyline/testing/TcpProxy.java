package dev.storyline.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the test database, so a test can make the database unreachable and
 * bring it back without touching the server: {@link #cut()} drops every connection and refuses new
 * ones, {@link #restore()} lets them through again.
 */
public final class TcpProxy implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private final NetServer server;
    private volatile boolean cut;

    public TcpProxy(String targetHost, int targetPort) {
        NetClient client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(inbound -> {
            if (cut) {
                inbound.close();
                return;
            }
            inbound.pause();
            sockets.add(inbound);
            client.connect(targetPort, targetHost).onComplete(result -> {
                if (result.failed() || cut) {
                    inbound.close();
                    if (result.succeeded()) {
                        result.result().close();
                    }
                    return;
                }
                NetSocket outbound = result.result();
                sockets.add(outbound);
                inbound.handler(outbound::write);
                outbound.handler(inbound::write);
                inbound.closeHandler(v -> outbound.close());
                outbound.closeHandler(v -> inbound.close());
                inbound.resume();
            });
        }).listen(0, "127.0.0.1").await();
    }

    public int port() {
        return server.actualPort();
    }

    public void cut() {
        cut = true;
        sockets.forEach(NetSocket::close);
        sockets.clear();
    }

    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
