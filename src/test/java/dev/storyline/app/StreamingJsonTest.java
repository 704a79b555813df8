package dev.storyline.app;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingJsonTest {
    @Test
    void vertxUsesTheStreamingCodecNotDatabind() {
        assertThat(Json.CODEC).isSameAs(new StreamingJson().codec()).isNotInstanceOf(DatabindCodec.class);
    }

    @Test
    void aBotApiUpdateSurvivesTheRoundTrip() {
        String update = """
                {"ok":true,"result":[{"update_id":987654321,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":7000000001,
                "is_bot":false,"first_name":"Zoë ✨"},"message":{"message_id":42,"chat":{"id":-1001234567890,"type":"supergroup"},
                "date":1764843000,"caption":"line\\nnext"},"chat_instance":"-8","data":"1:p:55"}}]}""";
        JsonObject parsed = new JsonObject(update);
        JsonObject query = parsed.getJsonArray("result").getJsonObject(0).getJsonObject("callback_query");
        assertThat(query.getJsonObject("from").getLong("id")).isEqualTo(7_000_000_001L);
        assertThat(query.getJsonObject("message").getJsonObject("chat").getLong("id")).isEqualTo(-1_001_234_567_890L);
        assertThat(query.getJsonObject("from").getString("first_name")).isEqualTo("Zoë ✨");
        assertThat(new JsonObject(parsed.encode())).isEqualTo(parsed);

        JsonObject out = new JsonObject().put("at", Instant.parse("2026-12-04T10:15:30Z")).put("list", new JsonArray().add(1).add("x"));
        assertThat(out.encode()).isEqualTo("{\"at\":\"2026-12-04T10:15:30Z\",\"list\":[1,\"x\"]}");
    }
}
