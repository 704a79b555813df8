package dev.storyline.app;

import dev.storyline.alert.WatchVerticle;
import dev.storyline.bus.EventBusClient;
import dev.storyline.bus.HeartbeatRelay;
import dev.storyline.config.AppConfig;
import dev.storyline.db.ConnectionSettings;
import dev.storyline.db.Database;
import dev.storyline.db.DatabaseHealthCheck;
import dev.storyline.db.DatabaseStartException;
import dev.storyline.db.EmbeddedDatabase;
import dev.storyline.db.Migrations;
import dev.storyline.cluster.ClusterVertx;
import dev.storyline.cluster.LeaseRepository;
import dev.storyline.cluster.Leadership;
import dev.storyline.cluster.TenantLeases;
import dev.storyline.db.ServerLock;
import dev.storyline.http.HttpVerticle;
import dev.storyline.miniapp.MiniAppVerticle;
import dev.storyline.miniapp.Thumbnails;
import dev.storyline.instagram.CloudinaryMediaHost;
import dev.storyline.instagram.InstagramAccountRepository;
import dev.storyline.instagram.InstagramVerticle;
import dev.storyline.instagram.MediaHost;
import dev.storyline.instagram.SelfMediaHost;
import dev.storyline.instagram.TokenCipher;
import dev.storyline.notice.Notices;
import dev.storyline.plan.Pipeline;
import dev.storyline.plan.Planner;
import dev.storyline.plan.QueueRepository;
import dev.storyline.plan.Runways;
import dev.storyline.posting.PostingMetrics;
import dev.storyline.posting.DispatchVerticle;
import dev.storyline.plan.StartGate;
import dev.storyline.posting.PressVerticle;
import dev.storyline.posting.QueueReadsVerticle;
import dev.storyline.posting.SweepVerticle;
import dev.storyline.media.MediaRoots;
import dev.storyline.media.MediaVerticle;
import dev.storyline.telegram.OutboxLimiter;
import dev.storyline.telegram.TelegramHealthCheck;
import dev.storyline.telegram.TelegramMetrics;
import dev.storyline.telegram.TelegramVerticle;
import dev.storyline.tenant.OrchestratorMetrics;
import dev.storyline.tenant.SchedulerHealthCheck;
import dev.storyline.tenant.CategoryMixRepository;
import dev.storyline.tenant.TenantOrchestratorVerticle;
import dev.storyline.tenant.TenantOrchestratorVerticle.SchedulerFactory;
import dev.storyline.tenant.TenantRepository;
import dev.storyline.tenant.TenantSchedulerVerticle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running process: database (embedded or external) → Flyway → Vert.x → verticles, and the
 * reverse on {@link #stop()}. Start is blocking and runs on the main thread; nothing here runs on
 * an event loop.
 */
public final class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);
    /** The whole stop, undeploys to embedded database shutdown, stays inside systemd's patience. */
    private static final Duration UNDEPLOY_TIMEOUT = Duration.ofSeconds(6);

    private final AppConfig config;
    private final Database database;
    private final ServerLock serverLock;
    /** This node's id in a cluster (D32); null on a single server. */
    private final String node;
    private final Vertx vertx;
    private final Pool pool;
    private final Deque<String> deployments = new ArrayDeque<>();
    /** The actors of the wave being deployed, by name, in order. */
    private final Map<String, Future<String>> wave = new java.util.LinkedHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private HttpVerticle http;
    private StartGate starts;
    private JvmMeters jvmMeters;

    private Application(AppConfig config, Database database, ServerLock serverLock, Vertx vertx, Pool pool, String node) {
        this.node = node;
        this.config = config;
        this.database = database;
        this.serverLock = serverLock;
        this.vertx = vertx;
        this.pool = pool;
    }

    /** Starts the real application, with the real scheduler. */
    public static Application start(AppConfig config, Clock clock) {
        return start(config, clock, null);
    }

    /**
     * Starts everything and returns once the HTTP server listens and the first tenant discovery is
     * done. {@code schedulerFactory} replaces the scheduler (tests); null = the real one.
     *
     * @throws DatabaseStartException when the database cannot be started, reached or migrated
     */
    public static Application start(AppConfig config, Clock clock, SchedulerFactory schedulerFactory) {
        return start(config, clock, schedulerFactory, Clock.systemUTC());
    }

    /**
     * As above, with the clock the orchestrator measures liveness by ({@code livenessClock}): real
     * elapsed time in production; tests drive it to make a scheduler look silent without waiting.
     */
    public static Application start(AppConfig config, Clock clock, SchedulerFactory schedulerFactory, Clock livenessClock) {
        long started = System.nanoTime();
        // issue 19: Vert.x and its metrics (a few hundred ms of loading classes, a cluster's join) are made on a second thread
        // while this one opens the database (the embedded one starts meanwhile)
        CompletableFuture<Engine> making = new CompletableFuture<>();
        Thread maker = new Thread(() -> {
            try {
                making.complete(Engine.make(config));
            } catch (Throwable e) {
                making.completeExceptionally(e);
            }
        }, "storyline-start");
        maker.setDaemon(true);
        maker.start();
        Database database;
        try {
            database = Database.open(config.database(), config.paths(), EmbeddedDatabase.Role.SERVER);
        } catch (RuntimeException e) {
            Engine.discard(making);
            throw e;
        }
        Application app = null;
        ServerLock lock = null;
        try {
            LOG.debug("Database open after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Engine engine = Engine.made(making);
            LOG.debug("Vert.x ready after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Vertx vertx = engine.vertx();
            // the lock first (a second server is refused before it touches the schema), on a Vert.x connection that also says
            // whether the schema is current: Flyway and the JDBC driver are loaded only when there is something to migrate
            lock = ServerLock.acquire(vertx, database.settings(), database.describe(), config.cluster().enabled());
            String schema = lock.currentSchema().orElseGet(() -> Migrations.migrate(database.settings()));
            LOG.debug("Locked and schema checked after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            PrometheusMeterRegistry registry = engine.registry();
            Pool pool = database.createPool(vertx, config.database().poolSize());
            Gauge.builder("storyline_db_pool_connections", pool, Pool::size)
                    .description("Open connections in the shared pool")
                    .register(registry);
            Gauge.builder("storyline_db_pool_max_connections", () -> config.database().poolSize())
                    .description("Configured size of the shared pool")
                    .register(registry);
            app = new Application(config, database, lock, vertx, pool, engine.node());
            app.deployAll(clock, registry, schedulerFactory, livenessClock);
            LOG.info("Storyline {} ready in {} ms ({} ms after the JVM started): {}, schema v{}, http://{}:{}", Version.current(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), database.describe(), schema,
                    config.http().host(), app.httpPort());
            app.jvmMeters = JvmMeters.bind(registry);
            return app;
        } catch (RuntimeException e) {
            if (app != null) {
                app.stop();
            } else {
                if (lock != null) {
                    lock.close();
                }
                database.close();
                Engine.discard(making);
            }
            throw e;
        }
    }

    /**
     * Vert.x's options: its metrics on, except two. The JVM's meters are bound once the application is ready ({@link JvmMeters}).
     * The HTTP server's are off: Vert.x 5.0.10 gives a server its metrics in the listener of its bind, after the port already
     * accepts, so a request on a connection accepted in between (a health probe polling a starting process) met a null
     * connection metric in vertx-micrometer, which threw, and the request was never answered. {@code /metrics} has the
     * application's own meters for what the HTTP server serves.
     */
    static VertxOptions vertxOptions() {
        return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER));
    }

    /** Vert.x with its metrics registry, and in a cluster (D32) this node's id (null on a single server). */
    private record Engine(Vertx vertx, PrometheusMeterRegistry registry, String node) {
        static Engine make(AppConfig config) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            VertxOptions options = vertxOptions();
            if (config.cluster().enabled()) {
                ClusterVertx.Node joined = ClusterVertx.start(options, new MicrometerMetricsFactory(registry), config.cluster());
                LOG.info("Joined the cluster as node {} ({}:{})", joined.nodeId(), config.cluster().publicHost(), config.cluster().port());
                return new Engine(joined.vertx(), registry, joined.nodeId());
            }
            return new Engine(Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build(), registry, null);
        }

        /** Waits for the second thread's work; its failure is this start's. */
        static Engine made(CompletableFuture<Engine> making) {
            try {
                return making.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new StartupException("Vert.x could not start: " + DatabaseStartException.rootMessage(e.getCause()), e.getCause());
            }
        }

        /** The start failed before the application took Vert.x over: it is closed (a cluster node leaves). */
        static void discard(CompletableFuture<Engine> making) {
            try {
                made(making).vertx().close().await();
            } catch (RuntimeException ignored) {
                // it did not start, or closing failed: nothing more to let go of
            }
        }
    }

    private void deployAll(Clock clock, PrometheusMeterRegistry registry, SchedulerFactory schedulerFactory, Clock livenessClock) {
        Duration heartbeat = config.orchestrator().heartbeatInterval();
        HeartbeatRelay.install(vertx);
        Duration sweep = config.orchestrator().sweepInterval();
        // half the pool: the other half stays free for dispatch, the sweeps and discovery while very many schedulers start
        starts = new StartGate(Math.max(1, config.database().poolSize() / 2));
        Pipeline pipeline = new Pipeline(new Planner(pool, config.scheduling(), clock), new QueueRepository(pool), config.scheduling(),
                sweep, Pipeline.CATCH_UP_SPACING, new Runways(pool, clock, new Notices(pool, vertx.eventBus())),
                starts, DispatchVerticle.STALE_CLAIM);
        SchedulerFactory factory = schedulerFactory != null ? schedulerFactory
                : tenant -> new TenantSchedulerVerticle(heartbeat, clock, pipeline);
        // each actor is deployed after the ones it sends to (Telegram and the alerts first, the schedulers after posting, the
        // HTTP server last); those in one wave start together (issue 19: the start is mostly loading classes, on every core)
        AppConfig.ClusterConfig cluster = config.cluster();
        LeaseRepository leases = node == null ? null : new LeaseRepository(pool, cluster.lease());
        deploy(new TelegramVerticle(config, pool, clock, new TelegramMetrics(registry), OutboxLimiter.Limits.TELEGRAM,
                        leases == null ? null : new Leadership(leases, "telegram", node, cluster.renewEvery())),
                "Telegram bot");
        deploy(new WatchVerticle(pool, config.paths().dataDir(), sweep, config.telegram().adminChatId(), clock), "watch");
        settle();
        deploy(new MediaVerticle(pool, MediaRoots.of(config), config.scheduling().mediaIndexInterval(), clock),
                "media library");
        Optional<TokenCipher> cipher = TokenCipher.of(config.instagram().encryptionKey());
        SelfMediaHost selfHost = new SelfMediaHost(vertx, config.paths().dataDir().resolve("hosted"), config.instagram().mediaPublicBaseUrl(),
                cipher.map(c -> c.derive("storyline media url")).orElse(null), clock);
        AppConfig.InstagramConfig ig = config.instagram();
        MediaHost host = "cloudinary".equals(ig.mediaHosting())
                ? new CloudinaryMediaHost(vertx, ig.cloudinaryApiBaseUrl(), ig.cloudinaryCloudName(), ig.cloudinaryApiKey(),
                        ig.cloudinaryApiSecret(), clock)
                : selfHost;
        InstagramAccountRepository accounts = new InstagramAccountRepository(pool, cipher);
        deploy(new InstagramVerticle(pool, ig, accounts, host,
                config.paths().dataDir().resolve("instagram-work"), clock), "Instagram");
        deploy(new dev.storyline.instagram.InsightsVerticle(pool, ig, accounts, clock,
                leases == null ? null : new Leadership(leases, "insights", node, cluster.renewEvery())), "Instagram insights");
        deploy(new dev.storyline.instagram.BackfillVerticle(pool, ig, accounts, MediaRoots.of(config), config.scheduling().repostTtlDays(),
                clock), "Instagram backfill");
        PostingMetrics postingMetrics = new PostingMetrics(registry);
        deploy(new DispatchVerticle(pool, config.scheduling(), clock, postingMetrics), "posting dispatch");
        deploy(new PressVerticle(pool, config.scheduling(), clock, postingMetrics), "story buttons");
        deploy(new SweepVerticle(pool, config.scheduling(), sweep, clock, postingMetrics), "posting sweep");
        deploy(new QueueReadsVerticle(pool, clock), "queue reads");
        deploy(new dev.storyline.tenant.DueWheelVerticle(pipeline.queue(), sweep, clock), "due wheel");
        Thumbnails thumbnails = new Thumbnails(config.paths().dataDir(), config.telegram().botToken().reveal());
        deploy(new MiniAppVerticle(pool, config.scheduling(), thumbnails, clock), "Mini App");
        settle();
        // liveness is real elapsed time, like rate limits: the orchestrator never reads the (injectable) business clock
        deploy(new TenantOrchestratorVerticle(new TenantRepository(pool), new CategoryMixRepository(pool), new Notices(pool, vertx.eventBus()), config.orchestrator(),
                livenessClock, factory, new OrchestratorMetrics(registry),
                leases == null ? null : new TenantLeases(leases, node, cluster.publicHost() + ":" + cluster.port()), cluster.renewEvery()),
                "tenant orchestrator");
        // the HTTP server starts beside the orchestrator: /health asks the orchestrator, whose address is there within
        // milliseconds of its start (its first discovery may deploy for seconds more)
        EventBusClient bus = new EventBusClient(vertx);
        List<dev.storyline.http.HealthCheck> checks = new java.util.ArrayList<>(List.of(
                new DatabaseHealthCheck(pool, database.describe()),
                new SchedulerHealthCheck(bus),
                new TelegramHealthCheck(bus, clock)));
        if (leases != null) {
            checks.add(new dev.storyline.cluster.ClusterHealthCheck(leases, node));
        }
        http = new HttpVerticle(config.http(), registry, selfHost, checks, accounts::draft,
                new dev.storyline.http.MiniAppRoutes.Files(thumbnails, MediaRoots.of(config)), clock);
        deploy(http, "HTTP server");
        settle();
        dev.storyline.bus.AppReady.publish(vertx);
    }

    /** Starts deploying an actor; {@link #settle()} waits for it and the others of its wave. */
    private void deploy(Deployable verticle, String name) {
        long started = System.nanoTime();
        wave.put(name, vertx.deployVerticle(verticle).onSuccess(id -> LOG.debug("Started the {} in {} ms", name,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
    }

    /** Waits for the wave: every actor that started is kept (stop undeploys it); the first that could not start fails the start. */
    private void settle() {
        Future.join(List.copyOf(wave.values())).otherwiseEmpty().await(); // the failures are read one by one below
        StartupException failure = null;
        for (Map.Entry<String, Future<String>> started : wave.entrySet()) {
            if (started.getValue().succeeded()) {
                deployments.push(started.getValue().result());
            } else if (failure == null) {
                Throwable e = started.getValue().cause();
                failure = new StartupException("The " + started.getKey() + " could not start: " + DatabaseStartException.rootMessage(e), e);
            }
        }
        wave.clear();
        if (failure != null) {
            throw failure;
        }
    }

    public int httpPort() {
        return http.port();
    }

    /** Tenant schedulers waiting for their turn to start, or starting (issue 19). */
    public int startingSchedulers() {
        return starts == null ? 0 : starts.pending();
    }

    public Vertx vertx() {
        return vertx;
    }

    /** This node's id in a cluster (D32), or null on a single server. */
    public String node() {
        return node;
    }

    /** Where the database is, for tools and tests that open their own connections (the pool stays the actors'). */
    public ConnectionSettings databaseSettings() {
        return database.settings();
    }

    /** Undeploys in reverse order, closes the pool and Vert.x, then stops the embedded database. Idempotent. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        while (!deployments.isEmpty()) {
            String id = deployments.pop();
            try {
                vertx.undeploy(id).await(UNDEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("Undeploying {} did not finish cleanly: {}", id, e.getMessage());
            }
        }
        try {
            pool.close().await(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Closing the pool did not finish cleanly: {}", e.getMessage());
        }
        serverLock.close(); // on a Vert.x connection: before Vert.x goes
        try {
            vertx.close().await(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Closing Vert.x did not finish cleanly: {}", e.getMessage());
        }
        database.close();
        if (jvmMeters != null) {
            jvmMeters.close();
        }
        LOG.info("Storyline stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
