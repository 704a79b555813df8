package dev.storyline.user;

import dev.storyline.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch of updates looks its people and chats up in one statement, with the answers one by one would give. */
class SeenAllIT {
    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        db.insertTenant(-5001, "One", "approved", false);
        db.insertTenant(-5002, "Two", "pending", false);
        db.execute("INSERT INTO users (id, username, first_name, role, is_active) VALUES (71, 'known', 'Known', 'member', true), "
                + "(72, 'gone', 'Gone', 'member', false), (73, 'boss', 'Boss', 'admin', true)");
        db.execute("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES (-5001, 71, 'admin')");
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    @DisplayName("new and known people, renamed ones, several chats, a private chat and a chat that is no tenant, in one round trip")
    void batch() {
        UserRepository users = new UserRepository(pool);
        List<UserRepository.Sighting> sightings = List.of(
                new UserRepository.Sighting(71, "known", "Known", null, -5001L),      // a tenant admin
                new UserRepository.Sighting(74, "fresh", "Fresh", null, -5001L),      // first time: inserted, member
                new UserRepository.Sighting(74, "fresh2", "Fresh", null, -5002L),     // the same person renamed, another chat
                new UserRepository.Sighting(72, "gone", "Gone", null, null),          // deactivated, private chat
                new UserRepository.Sighting(73, "boss", "Boss", null, -5999L));       // a group that is no tenant

        List<UserRepository.Seen> seen = users.seenAll(sightings).await();

        assertThat(seen).hasSize(5);
        assertThat(seen.get(0).person().storylineAdmin()).isTrue();
        assertThat(seen.get(0).tenant().orElseThrow().id()).isEqualTo(-5001);
        assertThat(seen.get(1).person().userId()).isEqualTo(74);
        assertThat(seen.get(1).person().memberRole()).isEqualTo("member");
        assertThat(seen.get(1).person().storylineAdmin()).isFalse();
        assertThat(seen.get(2).tenant().orElseThrow().state()).isEqualTo("pending");
        assertThat(seen.get(3).person().active()).isFalse();
        assertThat(seen.get(3).tenant()).isEmpty();
        assertThat(seen.get(4).person().role()).isEqualTo("admin");
        assertThat(seen.get(4).tenant()).isEmpty();
        assertThat(db.column("SELECT username FROM users WHERE id = 74")).as("the last sighting's name").containsExactly("fresh2");
        assertThat(db.column("SELECT tenant_id FROM tenant_members WHERE user_id = 74 ORDER BY tenant_id"))
                .containsExactly(-5002L, -5001L);

        // the same answers one by one
        for (int i = 0; i < sightings.size(); i++) {
            UserRepository.Sighting s = sightings.get(i);
            UserRepository.Seen one = users.seen(s.userId(), s.username(), s.firstName(), s.lastName(), s.chatId()).await();
            assertThat(one.person()).as("sighting %d", i).isEqualTo(seen.get(i).person());
            assertThat(one.tenant().map(t -> t.id())).isEqualTo(seen.get(i).tenant().map(t -> t.id()));
        }
        // and again within the minute: a plain read that answers the same
        assertThat(users.seenAll(sightings).await()).extracting(UserRepository.Seen::person)
                .isEqualTo(seen.stream().map(UserRepository.Seen::person).toList());
    }
}
