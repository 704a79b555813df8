package dev.storyline.plan;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StartGateTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    @DisplayName("at most the permits run at once, the others in the order they came; a failed start frees its permit too")
    void permitsInOrder() {
        StartGate gate = new StartGate(2);
        Context context = vertx.getOrCreateContext();
        List<Integer> started = new CopyOnWriteArrayList<>();
        List<Promise<Void>> running = new CopyOnWriteArrayList<>();
        List<Future<Void>> done = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            done.add(gate.admit(context, () -> {
                assertThat(Vertx.currentContext()).isSameAs(context);
                started.add(n);
                Promise<Void> work = Promise.promise();
                running.add(work);
                return work.future();
            }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        assertThat(gate.waiting()).isEqualTo(3);

        running.get(0).fail("the database was away");
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 3);
        assertThat(done.get(0).failed()).isTrue();
        running.get(1).complete();
        running.get(2).complete();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 5);
        running.get(3).complete();
        running.get(4).complete();
        assertThat(started).containsExactly(0, 1, 2, 3, 4);
        assertThat(gate.waiting()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> done.stream().allMatch(Future::isComplete));
    }
}
