package dev.storyline.tenant;

/** What a chat is told when the Storyline admin changes it from outside the chat ({@link TenantAdmin}). */
public final class TenantNotices {
    public static final String APPROVED = "✅ Storyline is active here now. Send photos or use /settings to set the schedule.";
    public static final String DECLINED = "❌ The Storyline admin declined this chat.";
    public static final String PAUSED = "⏸️ The Storyline admin paused posting here. Open stories keep their buttons; /resume starts again.";
    public static final String RESUMED = "▶️ The Storyline admin resumed posting here.";

    private TenantNotices() {
    }
}
