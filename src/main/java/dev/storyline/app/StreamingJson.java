package dev.storyline.app;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON codec, chosen through {@code META-INF/services}: Jackson's streaming parser and generator
 * ({@link JacksonCodec}) for every {@code JsonObject}, Bot API answer and bus message. Without it Vert.x picks
 * {@code DatabindCodec} because jackson-databind is on the class path (the backup and the metadata files use it),
 * and that builds an {@code ObjectMapper} at start (some 370 classes: issue 19) and sends every decode and encode
 * through it. Storyline never maps objects with {@code JsonObject.mapTo}/{@code mapFrom}, which need databind; a
 * value JSON has no form for here (a record, a Java array) fails to encode, loudly.
 */
public final class StreamingJson implements JsonFactory {
    private static final JsonCodec CODEC = new JacksonCodec();

    @Override
    public JsonCodec codec() {
        return CODEC;
    }

    /** Before Vert.x's own factory, whose order is {@link Integer#MAX_VALUE}. */
    @Override
    public int order() {
        return 0;
    }
}
