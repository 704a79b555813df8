package dev.storyline.bot;

import dev.storyline.telegram.Update;
import dev.storyline.tenant.Tenant;
import dev.storyline.user.UserRepository.Person;

import java.util.Optional;

/**
 * One update being handled, with what was looked up for it: the person (null for channel posts,
 * which have no sender) and the tenant of the chat, if the chat is one.
 */
public record Incoming(Update update, Update.Chat chat, Update.User from, Person person, Optional<Tenant> tenant) {

    public long chatId() {
        return chat.id();
    }

    public long updateId() {
        return update.updateId();
    }

    /** The approved tenant of this chat (paused or not). */
    public Optional<Tenant> approvedTenant() {
        return tenant.filter(t -> Tenant.APPROVED.equals(t.state()));
    }

    /** How to name the sender in replies. */
    public String who() {
        return from == null ? chat.name() : from.display();
    }
}
