package dev.storyline.bot;

import dev.storyline.telegram.CallbackData;
import dev.storyline.telegram.Html;
import dev.storyline.tenant.CategoryMix;
import dev.storyline.tenant.Setting;
import dev.storyline.tenant.Tenant;
import dev.storyline.tenant.TenantRepository.Actor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The category mix screen (D27), opened from /settings: one line per category with −/+ buttons in
 * steps of 10 %, edited in place. The draft lives in the buttons themselves ({@link CallbackData.Action#MIX}),
 * so nothing is stored until a chat administrator taps Save, which is one recorded change (the
 * previous rows closed, who and when kept, untried slots planned again). ✏️ asks for the mix as text.
 */
final class MixFlow {
    /** The most categories the screen offers buttons for (two draft characters each in 24). */
    static final int MAX_CATEGORIES = 12;
    private static final String REFUSED = "Only chat administrators can change the mix.";
    private final BotServices s;

    MixFlow(BotServices services) {
        this.s = services;
    }

    /** A press on the mix screen (or its ⚙️ button). */
    Future<Void> press(Incoming in, Tenant tenant, String callbackId, long messageId, CallbackData data) {
        String op = data.arg(0);
        return Future.all(s.mixes().current(tenant.id()), s.library().categories(tenant.id())).compose(both -> {
            CategoryMix current = both.resultAt(0);
            List<String> categories = categories(both.resultAt(1), current);
            if ("o".equals(op)) {
                return Future.join(s.replies().send(in.chatId(), render(tenant, current, categories, draft(current, categories),
                                both.resultAt(1)), keyboard(categories, draft(current, categories))),
                        s.replies().answer(callbackId, null, false)).mapEmpty();
            }
            return s.mayChange(in).compose(allowed -> {
                if (!allowed) {
                    return s.replies().answer(callbackId, REFUSED, true).mapEmpty();
                }
                int[] draft = "n".equals(op) ? new int[categories.size()] : decode(data.arg(1), categories.size());
                if (draft == null) {
                    int[] fresh = draft(current, categories);
                    return Future.join(s.replies().edit(in.chatId(), messageId, render(tenant, current, categories, fresh, both.resultAt(1)),
                                    keyboard(categories, fresh)),
                            s.replies().answer(callbackId, "The library's categories changed; here is the mix as it is now.", false)).mapEmpty();
                }
                return switch (op) {
                    case "v" -> Future.join(s.replies().edit(in.chatId(), messageId, render(tenant, current, categories, draft, both.resultAt(1)),
                            keyboard(categories, draft)), s.replies().answer(callbackId, null, false)).mapEmpty();
                    case "s", "n" -> save(in, tenant, callbackId, messageId, categories, draft, both.resultAt(1));
                    default -> s.replies().answer(callbackId, "This button is no longer valid.", false).mapEmpty();
                };
            });
        });
    }

    private Future<Void> save(Incoming in, Tenant tenant, String callbackId, long messageId, List<String> categories, int[] draft,
                              SortedMap<String, Long> items) {
        int sum = 0;
        Map<String, Integer> percents = new LinkedHashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            sum += draft[i];
            percents.put(categories.get(i), draft[i]);
        }
        if (sum != 0 && sum != 100) {
            return s.replies().answer(callbackId, "The shares add up to " + sum + " %; make them 100 % first.", true).mapEmpty();
        }
        CategoryMix mix = sum == 0 ? CategoryMix.NONE : CategoryMix.of(percents);
        return record(in, tenant, mix, "callback", "mix:save").compose(replaced -> {
            Future<Void> screen = s.replies().edit(in.chatId(), messageId, render(tenant, mix, categories, draft(mix, categories), items),
                    keyboard(categories, draft(mix, categories)));
            if (replaced.isEmpty()) {
                return Future.join(screen, s.replies().answer(callbackId, "That is the mix already.", false)).mapEmpty();
            }
            return Future.join(screen, s.replies().answer(callbackId, "Saved", false),
                    s.replies().send(in.chatId(), saved(in, replaced.get(), mix))).mapEmpty();
        });
    }

    /** The ✏️ input: "memes 70, merch 30" (already parsed). */
    Future<Void> typed(Incoming in, Tenant tenant, CategoryMix mix) {
        return record(in, tenant, mix, "message", "set:" + Setting.MIX.wire()).compose(replaced -> s.replies().send(in.chatId(),
                replaced.map(old -> saved(in, old, mix)).orElse("✅ The category mix stays " + Html.escape(mix.describe()) + ".")));
    }

    /** {@code kind}: what carried the change, a button press ({@code callback}) or the typed answer ({@code message}). */
    private Future<java.util.Optional<CategoryMix>> record(Incoming in, Tenant tenant, CategoryMix mix, String kind, String name) {
        Actor actor = in.from() == null ? new Actor(null, "telegram", in.updateId(), kind, name)
                : Actor.telegram(in.from().id(), in.updateId(), kind, name);
        return s.admin().recordMix(tenant, actor, mix);
    }

    private static String saved(Incoming in, CategoryMix before, CategoryMix after) {
        return "✅ Category mix set by " + Html.escape(in.who()) + ": " + Html.escape(after.describe())
                + " (was " + Html.escape(before.describe()) + "). Stories not yet sent are planned again.";
    }

    /**
     * The screen's categories, sorted: the library's and any the mix names that the library lacks. With
     * more than {@link #MAX_CATEGORIES}, the mix's own come first, so Save never drops one of them.
     */
    static List<String> categories(SortedMap<String, Long> library, CategoryMix mix) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(library.keySet());
        all.addAll(mix.percents().keySet());
        if (all.size() <= MAX_CATEGORIES) {
            return new ArrayList<>(all);
        }
        java.util.TreeSet<String> shown = new java.util.TreeSet<>(mix.percents().keySet());
        for (String category : all) {
            if (shown.size() >= MAX_CATEGORIES) {
                break;
            }
            shown.add(category);
        }
        return new ArrayList<>(shown);
    }

    static int[] draft(CategoryMix mix, List<String> categories) {
        int[] draft = new int[categories.size()];
        for (int i = 0; i < draft.length; i++) {
            draft[i] = mix.percents().getOrDefault(categories.get(i), 0);
        }
        return draft;
    }

    static String encode(int[] draft) {
        if (draft.length == 0) {
            return "-";
        }
        StringBuilder out = new StringBuilder();
        for (int p : draft) {
            out.append(p >= 100 ? "xx" : String.format("%02d", p));
        }
        return out.toString();
    }

    /** The draft in the button, or null when it does not fit the categories as they are now. */
    static int[] decode(String wire, int categories) {
        if (categories == 0 || wire.length() != categories * 2) {
            return null;
        }
        int[] draft = new int[categories];
        for (int i = 0; i < categories; i++) {
            String part = wire.substring(2 * i, 2 * i + 2);
            if (part.equals("xx")) {
                draft[i] = 100;
            } else if (part.chars().allMatch(Character::isDigit)) {
                draft[i] = Integer.parseInt(part);
            } else {
                return null;
            }
        }
        return draft;
    }

    static String render(Tenant t, CategoryMix current, List<String> categories, int[] draft, SortedMap<String, Long> items) {
        StringBuilder text = new StringBuilder("🎯 <b>Category mix</b> · ").append(Html.escape(t.title())).append('\n')
                .append("In force: ").append(Html.escape(current.describe())).append('\n');
        if (categories.isEmpty()) {
            return text.append("\nNo categories yet: a category is a top-level folder of the library (memes/, merch/),"
                    + " or #category in an upload's caption.").toString();
        }
        int sum = 0;
        text.append('\n');
        for (int i = 0; i < categories.size(); i++) {
            sum += draft[i];
            long n = items.getOrDefault(categories.get(i), 0L);
            text.append("• ").append(Html.escape(categories.get(i))).append(": <b>").append(draft[i]).append(" %</b> (")
                    .append(n).append(n == 1 ? " item)" : " items)").append('\n');
        }
        text.append("Total: ").append(sum).append(" %").append(sum == 100 || sum == 0 ? "" : " (must be 100 % to save)").append('\n')
                .append("<i>−/+ change a share by 10 %; Save makes it the mix. Chat administrators only.</i>");
        return text.toString();
    }

    static JsonObject keyboard(List<String> categories, int[] draft) {
        List<List<JsonObject>> rows = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            String name = Html.shorten(categories.get(i), 20);
            rows.add(List.of(
                    Replies.button("− " + name, view(step(draft, i, -10))),
                    Replies.button(name + " " + draft[i] + " %", view(draft)),
                    Replies.button("+ " + name, view(step(draft, i, 10)))));
        }
        int sum = java.util.Arrays.stream(draft).sum();
        List<JsonObject> last = new ArrayList<>();
        if (!categories.isEmpty()) {
            last.add(Replies.button(sum == 100 ? "✅ Save" : "Σ " + sum + " %", CallbackData.of(CallbackData.Action.MIX, "s", encode(draft))));
        }
        last.add(Replies.button("✏️ Type it", CallbackData.of(CallbackData.Action.EDIT, Setting.MIX.wire())));
        last.add(Replies.button("No mix", CallbackData.of(CallbackData.Action.MIX, "n", "-")));
        rows.add(last);
        return Replies.keyboard(rows);
    }

    private static CallbackData view(int[] draft) {
        return CallbackData.of(CallbackData.Action.MIX, "v", encode(draft));
    }

    private static int[] step(int[] draft, int index, int by) {
        int[] next = draft.clone();
        next[index] = Math.max(0, Math.min(100, next[index] + by));
        return next;
    }
}
