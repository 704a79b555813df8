package dev.storyline.tenant;

/** What a chat is told when the Storyline admin changes it from outside the chat ({@link TenantAdmin}). */
public final class TenantNotices {
    public static final String APPROVED = "✅ Storyline is active here now. Send photos or use /settings to set the schedule.";
    public static final String DECLINED = "❌ The Storyline admin declined this chat.";
    public static final String PAUSED = "⏸️ The Storyline admin paused posting here. Open stories keep their buttons; /resume starts again.";
    public static final String RESUMED = "▶️ The Storyline admin resumed posting here.";

    private TenantNotices() {
    }

    /** The settings the admin changed, old → new, e.g. "posts per day 3 → 5; dry run off → on"; empty when none did. */
    public static String settingsChanged(Tenant before, Tenant after) {
        return settingsChanged(before, after, "");
    }

    /** As above, with one more change said as is ({@code also}, e.g. the category mix; "" for none). */
    public static String settingsChanged(Tenant before, Tenant after, String also) {
        java.util.List<String> changes = new java.util.ArrayList<>();
        if (before.postsPerDay() != after.postsPerDay()) {
            changes.add("posts per day " + before.postsPerDay() + " → " + after.postsPerDay());
        }
        if (!before.window().equals(after.window())) {
            changes.add("hours " + before.window() + " → " + after.window());
        }
        if (before.dryRun() != after.dryRun()) {
            changes.add("dry run " + onOff(before.dryRun()) + " → " + onOff(after.dryRun()));
        }
        if (before.instagramEnabled() != after.instagramEnabled()) {
            changes.add("Instagram " + onOff(before.instagramEnabled()) + " → " + onOff(after.instagramEnabled()));
        }
        if (!also.isEmpty()) {
            changes.add(also);
        }
        return changes.isEmpty() ? "" : "⚙️ The Storyline admin changed this chat's settings: "
                + dev.storyline.telegram.Html.escape(String.join("; ", changes)) + ". /settings shows them all.";
    }

    private static String onOff(boolean value) {
        return value ? "on" : "off";
    }
}
