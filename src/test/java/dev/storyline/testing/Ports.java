package dev.storyline.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Free ports for servers a test starts. */
public final class Ports {
    private Ports() {
    }

    /** A free port whose next one is free too (a cluster node: Hazelcast, then the event bus). */
    public static int freePair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket first = new ServerSocket(0)) {
                int port = first.getLocalPort();
                if (port < 65000) {
                    try (ServerSocket second = new ServerSocket(port + 1)) {
                        second.setReuseAddress(true);
                        return port;
                    } catch (IOException taken) {
                        // another pair
                    }
                }
            }
        }
        throw new IOException("no two free ports side by side");
    }
}
