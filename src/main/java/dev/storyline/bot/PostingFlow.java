package dev.storyline.bot;

import dev.storyline.bus.Dispatch;
import dev.storyline.bus.ErrorCode;
import dev.storyline.plan.Planner;
import dev.storyline.plan.QueueQueries;
import dev.storyline.posting.StoryMessage;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.Tenant;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The plan from the chat: {@code /queue}, {@code /next}, {@code /schedule [days]} and
 * {@code /history [n]}, and the posting lines of {@code /status}. Planning and sending belong to the
 * tenant's scheduler and the posting verticle; this only asks them and words the answer.
 */
final class PostingFlow {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM, HH:mm z", Locale.ENGLISH);
    private static final String ADMINS_ONLY = "Only the chat's administrators can do that.";
    private final BotServices s;

    PostingFlow(BotServices services) {
        this.s = services;
    }

    Future<Void> queue(Incoming in, Tenant tenant) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        return s.queries().upcomingLines(tenant.id(), 10).compose(lines -> {
            if (lines.isEmpty()) {
                return s.replies().send(in.chatId(), "📅 Nothing planned yet." + (tenant.paused()
                        ? " Posting is paused: /resume plans again." : " /schedule plans the coming days."));
            }
            StringBuilder text = new StringBuilder("📅 <b>Next stories</b>\n");
            for (QueueQueries.QueueLine line : lines) {
                text.append("• ").append(WHEN.format(line.dueAt().atZone(zone))).append(" — ")
                        .append(line.title() == null ? "<i>no image yet</i>" : Html.escape(line.title()))
                        .append(line.category() == null ? "" : " · " + Html.escape(line.category()))
                        .append(" (").append("instagram".equals(line.route()) ? "Instagram" : "Telegram").append(')');
                if (line.attempts() > 0) {
                    text.append(" — retry ").append(line.attempts()).append(" of 3");
                }
                text.append('\n');
            }
            if (tenant.paused()) {
                text.append("⏸ Posting is paused: nothing is sent until /resume.");
            }
            return s.replies().send(in.chatId(), text.toString().strip(),
                    PlannerLinks.withButton(null, s.planner().button(tenant, in.chat().isPrivate())));
        });
    }

    Future<Void> next(Incoming in, Tenant tenant) {
        return s.mayChange(in).compose(allowed -> {
            if (!allowed) {
                return s.replies().send(in.chatId(), ADMINS_ONLY);
            }
            s.bus().postNext(tenant.id()).onComplete(result -> {
                if (result.failed()) {
                    ErrorCode code = ErrorCode.of(result.cause());
                    s.replies().send(in.chatId(), code == ErrorCode.NOT_FOUND ? "🤷 " + Html.escape(result.cause().getMessage())
                            : code == ErrorCode.CONFLICT ? "⏸️ " + Html.escape(result.cause().getMessage())
                            : "⚠️ I couldn't send a story just now. Please try again in a minute.");
                } else if (result.result().outcome() == Dispatch.Outcome.FAILED) {
                    s.replies().send(in.chatId(), "⚠️ The story could not be sent; see the message above.");
                }
                s.bus().wake(tenant.id());
            });
            return Future.succeededFuture();
        });
    }

    Future<Void> schedule(Incoming in, Tenant tenant, String args) {
        Integer days = null;
        if (!args.isBlank()) {
            try {
                days = Integer.parseInt(args.strip());
            } catch (NumberFormatException e) {
                days = -1;
            }
            if (days < 1 || days > 90) {
                return s.replies().send(in.chatId(), "Days must be a number from 1 to 90, e.g. /schedule 14.");
            }
        }
        Integer wanted = days;
        return s.mayChange(in).compose(allowed -> {
            if (!allowed) {
                return s.replies().send(in.chatId(), ADMINS_ONLY);
            }
            if (tenant.paused()) {
                return s.replies().send(in.chatId(), "⏸ Posting is paused: /resume first, then plan.");
            }
            s.bus().plan(tenant.id(), wanted, dev.storyline.run.Trigger.TELEGRAM).onComplete(result -> s.replies().send(in.chatId(), result.succeeded()
                    ? planned(result.result()) : "⚠️ Planning did not work just now. Please try again in a minute."));
            return Future.succeededFuture();
        });
    }

    /** "Planned 21 new slots (0 already planned) until Sun 29 Nov, 4 without an image". */
    static String planned(Planner.TopOff t) {
        String text = "📅 Planned " + t.added() + " new slot" + (t.added() == 1 ? "" : "s") + " (" + t.alreadyPlanned()
                + " already planned) until " + t.until().format(DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH));
        if (t.withoutImage() > 0) {
            text += ", " + t.withoutImage() + " without an image: add photos and they fill in";
        }
        if (t.replaced() > 0) {
            text += ". " + t.replaced() + " slots moved to the new settings";
        }
        return text + ".";
    }

    Future<Void> history(Incoming in, Tenant tenant, String args) {
        int n = 10;
        if (!args.isBlank()) {
            try {
                n = Math.max(1, Math.min(20, Integer.parseInt(args.strip())));
            } catch (NumberFormatException e) {
                return s.replies().send(in.chatId(), "Use /history or /history 20 (at most 20).");
            }
        }
        ZoneId zone = ZoneId.of(tenant.timezone());
        return s.queries().history(tenant.id(), n).compose(lines -> {
            if (lines.isEmpty()) {
                return s.replies().send(in.chatId(), "🗂 No stories yet.");
            }
            StringBuilder text = new StringBuilder("🗂 <b>Last stories</b>\n");
            for (QueueQueries.HistoryLine line : lines) {
                text.append("• ").append(WHEN.format(line.completedAt().atZone(zone))).append(" — ").append(icon(line.outcome()))
                        .append(' ').append(line.outcome()).append(": ").append(Html.escape(line.title()));
                if (line.who() != null) {
                    text.append(" by ").append(Html.escape(line.who()));
                }
                if ("instagram".equals(line.route())) {
                    text.append(" via Instagram");
                    if (line.permalink() != null) {
                        text.append(" (<a href=\"").append(Html.escape(line.permalink())).append("\">link</a>)");
                    } else if (line.mediaId() != null) {
                        text.append(" (media ").append(Html.escape(line.mediaId())).append(')');
                    }
                }
                if (line.dryRun()) {
                    text.append(" (dry run)");
                }
                text.append('\n');
            }
            return s.replies().send(in.chatId(), text.toString().strip(),
                    PlannerLinks.withButton(null, s.planner().button(tenant, in.chat().isPrivate())));
        });
    }

    /** {@code /stats}: outcomes and people over 7 and 30 days, and the median time to post. */
    Future<Void> stats(Incoming in, Tenant tenant) {
        return s.queries().stats(tenant.id(), s.clock().instant()).compose(st -> {
            StringBuilder text = new StringBuilder("📈 <b>Stats</b> (7 days / 30 days)\n");
            if (st.outcomes().isEmpty()) {
                text.append("No stories in the last 30 days.");
            }
            st.outcomes().forEach((outcome, c) -> text.append(icon(outcome)).append(' ').append(outcome).append(": ")
                    .append(c.last7()).append(" / ").append(c.last30()).append('\n'));
            if (!st.people().isEmpty()) {
                text.append("\n<b>Posted by</b>\n");
                st.people().forEach((who, c) -> text.append("• ").append(Html.escape(who)).append(": ").append(c.last7())
                        .append(" / ").append(c.last30()).append('\n'));
            }
            if (st.medianTimeToPost() != null) {
                text.append("\nMedian time to post: ").append(StoryMessage.humanize(st.medianTimeToPost()));
            }
            return s.insights().week(tenant.id(), s.clock().instant()).compose(week -> {
                text.append(instagramLines(week));
                return s.replies().send(in.chatId(), text.toString().strip(),
                        PlannerLinks.withButton(null, s.planner().button(tenant, in.chat().isPrivate())));
            });
        });
    }

    /** D31 in {@code /stats}: the week's Instagram figures, its top 3 stories and the average reach per category; nothing without any. */
    static String instagramLines(dev.storyline.instagram.InsightsRepository.Week week) {
        if (week.stories() == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder("\n\n<b>Instagram</b> (7 days, " + week.stories() + (week.stories() == 1 ? " story" : " stories")
                + ")\nReach " + week.reach() + " · replies " + week.replies() + " · exits " + week.exits());
        if (!week.top().isEmpty()) {
            text.append("\nTop stories:");
            int rank = 1;
            for (io.vertx.core.json.JsonObject story : week.top()) {
                String title = story.getString("title") == null ? "story " + story.getString("mediaId") : story.getString("title");
                text.append("\n").append(rank++).append(". ").append(Html.escape(title)).append(": reach ")
                        .append(story.getJsonObject("latest").getInteger("reach"));
            }
        }
        if (!week.averageReachByCategory().isEmpty()) {
            text.append("\nAverage reach: ");
            text.append(String.join(" · ", week.averageReachByCategory().entrySet().stream()
                    .map(e -> Html.escape(e.getKey()) + " " + e.getValue()).toList()));
        }
        return text.toString();
    }

    /** The posting lines of {@code /status}. */
    Future<String> statusLines(Tenant tenant) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        Instant now = s.clock().instant();
        return s.queries().summary(tenant.id(), now).map(sum -> "\nNext slot: " + (sum.nextSlot() == null ? "none planned"
                : WHEN.format(sum.nextSlot().atZone(zone)))
                + "\nLast post: " + (sum.lastPosted() == null ? "none yet" : WHEN.format(sum.lastPosted().atZone(zone)))
                + " · " + sum.posted24h() + " in 24 h"
                + (sum.awaiting() > 0 ? "\nAwaiting action: " + sum.awaiting() : ""));
    }

    private static String icon(String outcome) {
        return switch (outcome) {
            case "posted" -> "✅";
            case "skipped" -> "⏭️";
            case "rejected" -> "🚫";
            case "expired" -> "⌛";
            default -> "❌";
        };
    }

}
