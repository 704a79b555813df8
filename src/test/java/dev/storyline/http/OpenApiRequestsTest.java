package dev.storyline.http;

import dev.storyline.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin API's contract on its own: read at start, resolved at the first request it checks. */
@ExtendWith(VertxExtension.class)
class OpenApiRequestsTest {
    @Test
    @DisplayName("issue 19: the contract is resolved at the first request it checks, not at start; an unknown operation still fails the start")
    void resolvedAtFirstCheck(Vertx vertx) {
        OpenApiRequests requests = OpenApiRequests.load(vertx).await();
        Router router = Router.router(vertx);
        router.get("/admin/tenants/:chatId").handler(requests.check("getTenant"))
                .handler(ctx -> ctx.response().end("tenant " + OpenApiRequests.of(ctx).getPathParameters().get("chatId").getLong()));
        int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();

        assertThat(requests.resolvedYet()).isFalse();
        assertThatThrownBy(() -> requests.check("noSuchOperation")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noSuchOperation");

        Http.Response bad = Http.get(port, "/admin/tenants/abc");
        assertThat(requests.resolvedYet()).isTrue();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().getString("error")).isEqualTo("invalid_input");
        Http.Response good = Http.get(port, "/admin/tenants/-1001234567890");
        assertThat(good.status()).isEqualTo(200);
        assertThat(good.body()).isEqualTo("tenant -1001234567890");
    }
}
