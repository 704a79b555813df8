package dev.storyline.http;

import dev.storyline.config.AppConfig.HttpConfig;
import dev.storyline.config.Secret;
import dev.storyline.testing.Http;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP verticle on its own (a Vert.x per test, closed by the extension): health aggregation, the admin switch and JSON errors. */
@ExtendWith(VertxExtension.class)
class HttpVerticleTest {
    private static int deploy(Vertx vertx, String adminToken, HealthCheck... checks) {
        HttpVerticle http = new HttpVerticle(new HttpConfig("127.0.0.1", 0, Secret.of(adminToken)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, List.of(checks),
                (tenant, account, token) -> io.vertx.core.Future.failedFuture("no Instagram here"));
        vertx.deployVerticle(http).await();
        return http.port();
    }

    private static HealthCheck check(String name, Future<HealthCheck.Result> result) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Future<Result> check() {
                return result;
            }
        };
    }

    @Test
    @DisplayName("/health is 200 only when every check is up, and 503 naming the failing check otherwise")
    void healthAggregates(Vertx vertx) {
        int healthy = deploy(vertx, "", check("a", Future.succeededFuture(HealthCheck.Result.up("fine", new JsonObject()))));
        assertThat(Http.get(healthy, "/health").status()).isEqualTo(200);

        int failing = deploy(vertx, "secret",
                check("a", Future.succeededFuture(HealthCheck.Result.up("db at 127.0.0.1:54321", new JsonObject().put("pool", 3)))),
                check("b", Future.failedFuture("connection refused")));
        Http.Response response = Http.get(failing, "/health");

        assertThat(response.status()).isEqualTo(503);
        JsonObject body = response.json();
        assertThat(body.getString("status")).isEqualTo("DOWN");
        assertThat(body.getJsonObject("checks").getJsonObject("a").getString("status")).isEqualTo("UP");
        assertThat(body.getJsonObject("checks").getJsonObject("b").getString("status")).isEqualTo("DOWN");
        assertThat(response.body()).as("the public report names no address, error or count").doesNotContain("54321", "refused", "pool", "detail");

        Http.Response admin = Http.get(failing, "/admin/health", "secret");
        assertThat(admin.status()).isEqualTo(503);
        assertThat(admin.json().getJsonObject("checks").getJsonObject("b").getString("detail")).isEqualTo("connection refused");
        assertThat(admin.json().getJsonObject("checks").getJsonObject("a").getString("detail")).isEqualTo("db at 127.0.0.1:54321");
        assertThat(Http.get(failing, "/admin/health").status()).as("the details need the token").isEqualTo(401);
    }

    @Test
    @DisplayName("a check that never answers is down after its timeout, not a hung /health")
    void hungCheck(Vertx vertx) {
        int port = deploy(vertx, "secret", check("stuck", Promise.<HealthCheck.Result>promise().future()));

        Http.Response response = Http.get(port, "/admin/health", "secret");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().getJsonObject("checks").getJsonObject("stuck").getString("detail")).isEqualTo("no answer within 3 s");
    }

    @Test
    @DisplayName("without ADMIN_TOKEN the admin API is off and says how to turn it on")
    void adminDisabled(Vertx vertx) {
        int port = deploy(vertx, "");

        Http.Response response = Http.get(port, "/admin/tenants", "anything");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().getString("error")).isEqualTo("admin_disabled");
        assertThat(response.json().getString("message")).contains("ADMIN_TOKEN");
    }

    @Test
    @DisplayName("an admin route whose owner is not running answers 503 JSON, not a hang")
    void ownerMissing(Vertx vertx) {
        int port = deploy(vertx, "secret");

        Http.Response response = Http.get(port, "/admin/orchestrator", "secret");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().getString("error")).isEqualTo("unavailable");
    }

    @Test
    @DisplayName("unknown paths answer a JSON 404")
    void notFound(Vertx vertx) {
        int port = deploy(vertx, "secret");

        assertThat(Http.get(port, "/nope").json().getString("error")).isEqualTo("not_found");
        assertThat(Http.get(port, "/admin/nope", "secret").json().getString("error")).isEqualTo("not_found");
    }
}
