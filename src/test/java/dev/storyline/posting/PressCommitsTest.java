package dev.storyline.posting;

import dev.storyline.plan.QueueRepository.Finished;
import dev.storyline.plan.QueueRepository.Press;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/** The group commit of presses, with a statement the test answers by hand. */
class PressCommitsTest {
    /** Statements asked for and not answered yet. */
    private final List<Statement> running = new ArrayList<>();
    private final List<List<Press>> asked = new ArrayList<>();
    private final Queue<Runnable> later = new ArrayDeque<>();
    private final PressCommits commits = new PressCommits(presses -> {
        asked.add(presses);
        Statement statement = new Statement(presses, Promise.promise());
        running.add(statement);
        return statement.answer().future();
    }, later::add);

    private record Statement(List<Press> presses, Promise<Map<Integer, Finished>> answer) {
        /** Every press of the statement wins. */
        void win() {
            Map<Integer, Finished> won = new HashMap<>();
            for (int i = 0; i < presses.size(); i++) {
                won.put(i, finished(presses.get(i)));
            }
            answer.complete(won);
        }
    }

    private static Finished finished(Press press) {
        return new Finished(press.queueId() * 10, null, press.outcome(), Instant.EPOCH, Instant.EPOCH, 1L, false, "k", Instant.EPOCH,
                Optional.empty());
    }

    private static Press press(long queueId, long person) {
        return new Press(-100L, queueId, "posted", person);
    }

    private void runLater() {
        while (!later.isEmpty()) {
            later.poll().run();
        }
    }

    @Test
    void pressesOfOnePersonThatArriveTogetherShareOneStatement() {
        long person = 8;
        List<Future<Optional<Finished>>> answers = List.of(commits.end(press(1, person)), commits.end(press(2, person)),
                commits.end(press(3, person)));
        assertThat(asked).as("nothing runs before the presses queued on the event loop are in").isEmpty();

        runLater();

        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).extracting(Press::queueId).containsExactly(1L, 2L, 3L);
        running.get(0).win();
        assertThat(answers).allSatisfy(a -> assertThat(a.result()).isPresent());
        assertThat(answers.get(1).result().orElseThrow().historyId()).isEqualTo(20);
    }

    @Test
    void pressesThatArriveWhileTheLaneRunsGoTogetherInItsNextStatement() {
        long person = 8;
        commits.end(press(1, person));
        runLater();
        Future<Optional<Finished>> second = commits.end(press(2, person));
        Future<Optional<Finished>> third = commits.end(press(3, person));
        runLater();
        assertThat(asked).as("one statement at a time in a lane").hasSize(1);

        running.get(0).win();

        assertThat(asked).hasSize(2);
        assertThat(asked.get(1)).extracting(Press::queueId).containsExactly(2L, 3L);
        assertThat(second.isComplete()).isFalse();
        running.get(1).answer().complete(Map.of(1, finished(press(3, person)))); // the second press was late
        assertThat(second.result()).isEmpty();
        assertThat(third.result()).isPresent();
    }

    @Test
    void differentPeopleRunSideBySideAndOnePersonNeverInTwoStatementsAtOnce() {
        for (long person = 0; person < 40; person++) {
            commits.end(press(person, person));
            commits.end(press(100 + person, person));
        }
        runLater();

        assertThat(asked).hasSize(PressCommits.LANES);
        Map<Long, Integer> statementOfPerson = new HashMap<>();
        for (int i = 0; i < asked.size(); i++) {
            for (Press p : asked.get(i)) {
                Integer before = statementOfPerson.put(p.actedBy(), i);
                assertThat(before == null || before == i).as("person %d in one statement", p.actedBy()).isTrue();
            }
        }
        assertThat(asked.stream().mapToInt(List::size).sum()).isEqualTo(80);
    }

    @Test
    void aDeadlockIsRetriedAndOtherFailuresFailEveryPressOfTheGroup() {
        Future<Optional<Finished>> first = commits.end(press(1, 8));
        Future<Optional<Finished>> second = commits.end(press(2, 8));
        runLater();

        running.get(0).answer().fail(new PgException("deadlock detected", "ERROR", "40P01", null));
        assertThat(asked).as("the same group again").hasSize(2);
        assertThat(asked.get(1)).isEqualTo(asked.get(0));
        running.get(1).answer().fail(new PgException("could not serialize access", "ERROR", "40001", null));
        assertThat(asked).hasSize(3);
        running.get(2).answer().fail(new PgException("deadlock detected", "ERROR", "40P01", null));

        assertThat(asked).as("three attempts at most").hasSize(3);
        assertThat(first.failed()).isTrue();
        assertThat(second.cause()).hasMessageContaining("deadlock");

        Future<Optional<Finished>> third = commits.end(press(3, 8));
        runLater();
        running.get(3).answer().fail(new PgException("relation does not exist", "ERROR", "42P01", null));
        assertThat(asked).as("not retried").hasSize(4);
        assertThat(third.failed()).isTrue();
    }
}
