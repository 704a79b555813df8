package dev.storyline.tenant;

/** What a chat is told when the server's admin changes it from outside the chat (the admin API or the CLI). */
public final class TenantNotices {
    public static final String APPROVED = "✅ Storyline is active here now. Send photos or use /settings to set the schedule.";
    public static final String PAUSED = "⏸️ The Storyline admin paused posting here. Open stories keep their buttons; /resume starts again.";
    public static final String RESUMED = "▶️ The Storyline admin resumed posting here.";

    private TenantNotices() {
    }
}
