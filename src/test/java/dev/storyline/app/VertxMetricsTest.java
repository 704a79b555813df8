package dev.storyline.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class VertxMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Vertx vertx = Vertx.builder().with(Application.vertxOptions()).withMetrics(new MicrometerMetricsFactory(registry)).build();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("the HTTP server has no Vert.x metrics (a connection accepted before its bind finished broke them), the event bus and the clients keep theirs")
    void httpServerUnmeasured() throws Exception {
        vertx.eventBus().consumer("metrics.test", message -> message.reply("pong"));
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);

        String body = vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(request -> request.send().compose(response -> response.body()))
                .await(5, TimeUnit.SECONDS).toString();
        vertx.eventBus().request("metrics.test", "ping").await(5, TimeUnit.SECONDS);

        assertThat(body).isEqualTo("ok");
        assertThat(registry.getMeters()).map(meter -> meter.getId().getName())
                .noneMatch(name -> name.startsWith("vertx.http.server"))
                .anyMatch(name -> name.startsWith("vertx.http.client"))
                .anyMatch(name -> name.startsWith("vertx.eventbus"));
        assertThat(registry.getMeters()).map(Meter::getId).map(Meter.Id::getName)
                .as("the JVM's meters are the application's to bind once it is ready").noneMatch(name -> name.startsWith("jvm."));
    }
}
