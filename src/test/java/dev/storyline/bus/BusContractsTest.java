package dev.storyline.bus;

import dev.storyline.run.Trigger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bus contracts: each record survives the wire (encoded to text and read back) unchanged, and carries no path or secret. */
@ExtendWith(VertxExtension.class)
class BusContractsTest {
    private static final Instant AT = Instant.parse("2026-12-03T10:15:30Z");

    /** Encodes to text, as a clustered bus would, and reads it back. */
    private static <T> T wire(JsonObject json, Function<JsonObject, T> read) {
        return read.apply(new JsonObject(json.encode()));
    }

    @Test
    @DisplayName("every request and reply record reads back equal to what was written")
    void roundTrips() {
        Dispatch dispatch = new Dispatch(-100L, 42L);
        assertThat(wire(dispatch.toJson(), Dispatch::fromJson)).isEqualTo(dispatch);
        for (Dispatch.Outcome outcome : Dispatch.Outcome.values()) {
            Dispatch.Dispatched d = new Dispatch.Dispatched(7L, outcome);
            assertThat(wire(d.toJson(), Dispatch.Dispatched::fromJson)).isEqualTo(d);
        }
        assertThat(wire(new TenantRequest(-5L).toJson(), TenantRequest::fromJson)).isEqualTo(new TenantRequest(-5L));
        assertThat(wire(new TenantPage(-5L, 20).toJson(), TenantPage::fromJson)).isEqualTo(new TenantPage(-5L, 20));
        assertThat(wire(new TenantList(20, -1001L).toJson(), TenantList::fromJson)).isEqualTo(new TenantList(20, -1001L));
        assertThat(wire(new TenantList(Paging.MAX_LIMIT + 1, null).toJson(), TenantList::fromJson)).isEqualTo(new TenantList(Paging.MAX_LIMIT, null));
        QueuePage queue = new QueuePage(List.of(new QueuePage.Line(1, AT, AT.plusSeconds(60), "telegram", 2, "oops", "Sunset", "memes"),
                new QueuePage.Line(2, AT, AT, "instagram", 0, null, null, null)));
        assertThat(wire(queue.toJson(), QueuePage::fromJson)).isEqualTo(queue);
        HistoryPage history = new HistoryPage(List.of(new HistoryPage.Line("posted", AT, AT.minusSeconds(600), false, null, "Sunset",
                "@anna", "instagram", "1789", "https://www.instagram.com/stories/x/1789/")));
        assertThat(wire(history.toJson(), HistoryPage::fromJson)).isEqualTo(history);
        RunwayPage runway = new RunwayPage(List.of(new RunwayPage.Category("merch", 6, 1.5, 4.0, "low", "merch: 4 days left"),
                new RunwayPage.Category("old", 3, 0, null, "ok", "old: not in the mix")));
        assertThat(wire(runway.toJson(), RunwayPage::fromJson)).isEqualTo(runway);
        AppRequest app = new AppRequest(502, AppRequest.Op.MOVE_SLOT, -100L, new JsonObject().put("slotId", 7).put("at", "2026-12-05T14:30"));
        assertThat(wire(app.toJson(), AppRequest::fromJson)).isEqualTo(app);
        AppRequest.Thumbnail thumb = new AppRequest.Thumbnail(-100, 7, "7-0123456789ab.jpg");
        assertThat(wire(thumb.toJson(), AppRequest.Thumbnail::fromJson)).isEqualTo(thumb);
        TelegramCall json = TelegramCall.json("sendMessage", new JsonObject().put("chat_id", -5L).put("text", "hi"));
        assertThat(wire(json.toJson(), TelegramCall::fromJson)).isEqualTo(json);
        TelegramCall photo = TelegramCall.upload("sendPhoto", new JsonObject().put("chat_id", -5L), "photo", -5L, 9L).atMostOnce();
        assertThat(wire(photo.toJson(), TelegramCall::fromJson)).isEqualTo(photo);
        assertThat(wire(new TelegramDownload("file-1", -5L).toJson(), TelegramDownload::fromJson)).isEqualTo(new TelegramDownload("file-1", -5L));
        TelegramDownload.Downloaded downloaded = new TelegramDownload.Downloaded("0f3c.part", 1234L);
        assertThat(wire(downloaded.toJson(), TelegramDownload.Downloaded::fromJson)).isEqualTo(downloaded);
        InstagramPublish publish = new InstagramPublish(-5L, 42L, 9L, "1790", 3L);
        assertThat(wire(publish.toJson(), InstagramPublish::fromJson)).isEqualTo(publish);
        InstagramPublish.Published published = new InstagramPublish.Published("1790", "1791", "https://instagram.com/s/1791");
        assertThat(wire(published.toJson(), InstagramPublish.Published::fromJson)).isEqualTo(published);
        InstagramStatus status = new InstagramStatus(true, -5L, "1784", "team", "valid", null, AT.toString(), 52L, AT.toString(),
                AT.toString(), "token valid (52 days)");
        assertThat(wire(status.toJson(), InstagramStatus::fromJson)).isEqualTo(status);
        assertThat(wire(InstagramStatus.NOT_CONNECTED.toJson(), InstagramStatus::fromJson)).isEqualTo(InstagramStatus.NOT_CONNECTED);
        InstagramConnect connect = new InstagramConnect(-5L, 77L, null);
        assertThat(wire(connect.toJson(), InstagramConnect::fromJson)).isEqualTo(connect);
        assertThat(wire(new InstagramDisconnected(true).toJson(), InstagramDisconnected::fromJson)).isEqualTo(new InstagramDisconnected(true));
        StoryPress press = new StoryPress(-5L, 42L, "POSTED", 11L, 8L, "@anna", true);
        assertThat(wire(press.toJson(), StoryPress::fromJson)).isEqualTo(press);
        assertThat(wire(new StoryPress.Answer("Thanks", true).toJson(), StoryPress.Answer::fromJson)).isEqualTo(new StoryPress.Answer("Thanks", true));
        assertThat(wire(new TenantChanged(-5L, "settings").toJson(), TenantChanged::fromJson)).isEqualTo(new TenantChanged(-5L, "settings"));
        AlertRaised alert = new AlertRaised("k", -5L, "warning", "<b>x</b>");
        assertThat(wire(alert.toJson(), AlertRaised::fromJson)).isEqualTo(alert);
        MediaUpload upload = new MediaUpload(-5L, 8L, true, "f", "u", "a.jpg", "image/jpeg", 100L, "Title | #tag");
        assertThat(wire(upload.toJson(), MediaUpload::fromJson)).isEqualTo(upload);
        MediaUploadResult added = MediaUploadResult.added(9L, "Sunset", List.of("small"), 3L, "memes");
        assertThat(wire(added.toJson(), MediaUploadResult::fromJson)).isEqualTo(added);
        MediaIndexRequest index = new MediaIndexRequest(-5L, null, Trigger.CLI, 8L);
        assertThat(wire(index.toJson(), MediaIndexRequest::fromJson)).isEqualTo(index);
        PollerStatus poller = new PollerStatus(AT, AT, null, false, "bot", null);
        assertThat(wire(poller.toJson(), PollerStatus::fromJson)).isEqualTo(poller);
        for (SchedulerCommand command : List.of(SchedulerCommand.status(), SchedulerCommand.wake(), SchedulerCommand.plan(3, "cli"))) {
            assertThat(wire(command.toJson(), SchedulerCommand::fromJson)).isEqualTo(command);
        }
    }

    @Test
    @DisplayName("a request without its fields is refused naming the field")
    void refusesIncomplete() {
        assertThatThrownBy(() -> Dispatch.fromJson(new JsonObject().put("tenantId", 1))).hasMessageContaining("queueId");
        assertThatThrownBy(() -> InstagramPublish.fromJson(new JsonObject().put("tenantId", 1).put("queueId", 2).put("claimToken", 3)))
                .hasMessageContaining("mediaItemId");
        assertThatThrownBy(() -> TelegramDownload.fromJson(new JsonObject().put("fileId", "f"))).hasMessageContaining("tenantId");
    }

    @Test
    @DisplayName("no record of the bus has a file, a path or a token among its fields")
    void noPathsOrSecrets() {
        // not listed: MediaIndexRequest.dir, a folder the operator names in the admin API for the media actor (which owns
        // the disk) to index; it is the operator's own input, not a file one actor hands another
        List<Class<?>> records = List.of(AlertRaised.class, Dispatch.class, Dispatch.Dispatched.class, Heartbeat.class, HistoryPage.class,
                HistoryPage.Line.class, InstagramConnect.class, InstagramDisconnected.class, InstagramPublish.class,
                InstagramPublish.Published.class, InstagramStatus.class, MediaUpload.class, MediaUploadResult.class, PollerStatus.class,
                QueuePage.class, QueuePage.Line.class, RunwayPage.class, RunwayPage.Category.class, SchedulerCommand.class, SchedulerStatus.class, StoryPress.class,
                StoryPress.Answer.class, TelegramCall.class, TelegramCall.Photo.class, TelegramDownload.class,
                TelegramDownload.Downloaded.class, TenantChanged.class, TenantPage.class, TenantList.class, TenantRequest.class, AppRequest.class,
                AppRequest.Login.class, AppRequest.Thumbnail.class);
        for (Class<?> type : records) {
            for (RecordComponent c : type.getRecordComponents()) {
                assertThat(c.getType()).as(type.getSimpleName() + "." + c.getName()).isNotIn(Path.class, java.io.File.class,
                        dev.storyline.config.Secret.class);
                // Telegram's fileId names a file on Telegram's side, not here
                assertThat(c.getName().toLowerCase()).as(type.getSimpleName() + "." + c.getName())
                        .doesNotContain("path").isNotIn("file", "dir", "target", "token", "accesstoken").doesNotContain("secret");
            }
        }
    }

    @Test
    @DisplayName("Consumers.register answers a malformed request invalid_input and a failed handler with its code")
    void consumerHelper(Vertx vertx, VertxTestContext test) {
        Consumers.register(vertx.eventBus(), "test.dispatch", Dispatch::fromJson,
                d -> d.queueId() == 0 ? Future.failedFuture(ErrorCode.NOT_FOUND.failure("no slot 0"))
                        : Future.succeededFuture(new Dispatch.Dispatched(d.queueId(), Dispatch.Outcome.GONE).toJson()))
                .completion()
                .compose(v -> vertx.eventBus().<JsonObject>request("test.dispatch", new JsonObject().put("tenantId", 1))
                        .transform(ar -> {
                            test.verify(() -> assertThat(((ReplyException) ar.cause()).failureCode()).isEqualTo(ErrorCode.INVALID_INPUT.code()));
                            return vertx.eventBus().<JsonObject>request("test.dispatch", new Dispatch(1, 0).toJson());
                        }))
                .transform(ar -> {
                    test.verify(() -> assertThat(ErrorCode.of(ar.cause())).isEqualTo(ErrorCode.NOT_FOUND));
                    return vertx.eventBus().<JsonObject>request("test.dispatch", new Dispatch(1, 5).toJson());
                })
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertThat(Dispatch.Dispatched.fromJson(reply.body())).isEqualTo(new Dispatch.Dispatched(5, Dispatch.Outcome.GONE));
                    test.completeNow();
                })));
    }
}
