package dev.storyline.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.storyline.config.AppConfig.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Builds the clustered Vert.x of {@code serve --cluster} (D32): Hazelcast finds the other nodes over
 * TCP/IP at {@code CLUSTER_MEMBERS} (multicast and auto-detection off, bound to {@code CLUSTER_HOST}),
 * and the event bus between the nodes listens on the next port, with mutual TLS when certificates are
 * configured (required off loopback). Hazelcast's own membership traffic is not encrypted (TLS there
 * is Hazelcast Enterprise's): it carries which addresses each node consumes, never a team's data.
 */
public final class ClusterVertx {
    /** A started node: its Vert.x and its id in the cluster (the owner name of its leases). */
    public record Node(Vertx vertx, String nodeId) {
    }

    /** The member attribute in which Vert.x's Hazelcast cluster manager keeps a node's id. */
    private static final String VERTX_NODE_ID = "__vertx.nodeId";

    private ClusterVertx() {
    }

    public static Node start(VertxOptions options, VertxMetricsFactory metrics, ClusterConfig cluster) {
        Config hazelcast = ConfigUtil.loadConfig();
        hazelcast.setClusterName("storyline");
        hazelcast.setProperty("hazelcast.logging.type", "slf4j");
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
        hazelcast.setProperty("hazelcast.socket.bind.any", "false");
        hazelcast.setProperty("hazelcast.local.localAddress", cluster.host());
        // a dead node is noticed by missing heartbeats within seconds, not Hazelcast's default minute
        hazelcast.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
        hazelcast.setProperty("hazelcast.heartbeat.interval.seconds", "2");
        // the first node of a cluster does not wait long for members that are not up yet
        hazelcast.setProperty("hazelcast.wait.seconds.before.join", "1");
        NetworkConfig network = hazelcast.getNetworkConfig();
        network.setPort(cluster.port()).setPortAutoIncrement(false);
        network.setPublicAddress(cluster.publicHost() + ":" + cluster.port());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
        tcp.addMember(cluster.publicHost() + ":" + cluster.port());
        cluster.members().forEach(tcp::addMember);
        HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);

        EventBusOptions bus = new EventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort())
                .setClusterPublicHost(cluster.publicHost()).setClusterPublicPort(cluster.eventBusPort());
        cluster.tls().ifPresent(tls -> bus.setSsl(true).setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString())));
        options.setEventBusOptions(bus);
        Vertx vertx = Vertx.builder().with(options).withMetrics(metrics).withClusterManager(manager).buildClustered().await();
        // a node Hazelcast saw leave is told to this node's actors at once: its leases need not run out first
        manager.getHazelcastInstance().getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent event) {
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent event) {
                // Vert.x names a node by its own id, kept as a member attribute (not Hazelcast's member UUID)
                String nodeId = event.getMember().getAttribute(VERTX_NODE_ID);
                if (nodeId != null) {
                    vertx.eventBus().publish(dev.storyline.bus.Addresses.CLUSTER_NODE_LEFT, nodeId);
                }
            }
        });
        return new Node(vertx, manager.getNodeId());
    }
}
