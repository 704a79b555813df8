package dev.storyline.tenant;

import io.vertx.core.json.JsonObject;

/**
 * A tenant: one Telegram chat and its settings. It is also the deployment config of that tenant's
 * scheduler, so it travels as JSON.
 */
public record Tenant(
        long id,
        String title,
        String chatType,
        String state,
        boolean paused,
        String pausedReason,
        boolean dryRun,
        boolean instagramEnabled,
        int postsPerDay,
        int postingHoursStart,
        int postingHoursEnd,
        String timezone,
        String mediaDir,
        long settingsVersion,
        boolean performancePlanning) {

    public static final String APPROVED = "approved";

    /** Approved and not paused: it has a scheduler (D22). */
    public boolean active() {
        return APPROVED.equals(state) && !paused;
    }

    public Tenant withDryRun(boolean value) {
        return new Tenant(id, title, chatType, state, paused, pausedReason, value, instagramEnabled, postsPerDay,
                postingHoursStart, postingHoursEnd, timezone, mediaDir, settingsVersion, performancePlanning);
    }

    public Tenant withInstagram(boolean value) {
        return new Tenant(id, title, chatType, state, paused, pausedReason, dryRun, value, postsPerDay,
                postingHoursStart, postingHoursEnd, timezone, mediaDir, settingsVersion, performancePlanning);
    }

    public Tenant withPaused(boolean value, String reason) {
        return new Tenant(id, title, chatType, state, value, value ? reason : null, dryRun, instagramEnabled, postsPerDay,
                postingHoursStart, postingHoursEnd, timezone, mediaDir, settingsVersion, performancePlanning);
    }

    public Tenant withPostsPerDay(int value) {
        return new Tenant(id, title, chatType, state, paused, pausedReason, dryRun, instagramEnabled, value,
                postingHoursStart, postingHoursEnd, timezone, mediaDir, settingsVersion, performancePlanning);
    }

    public Tenant withHours(int start, int end) {
        return new Tenant(id, title, chatType, state, paused, pausedReason, dryRun, instagramEnabled, postsPerDay,
                start, end, timezone, mediaDir, settingsVersion, performancePlanning);
    }

    public Tenant withTimezone(String zone) {
        return new Tenant(id, title, chatType, state, paused, pausedReason, dryRun, instagramEnabled, postsPerDay,
                postingHoursStart, postingHoursEnd, zone, mediaDir, settingsVersion, performancePlanning);
    }

    /** D31: selection prefers the images and categories whose stories reached more followers (with an exploration share). */
    public Tenant withPerformancePlanning(boolean value) {
        return new Tenant(id, title, chatType, state, paused, pausedReason, dryRun, instagramEnabled, postsPerDay,
                postingHoursStart, postingHoursEnd, timezone, mediaDir, settingsVersion, value);
    }

    /** The posting window as people read it: {@code 09–21 Europe/Berlin}. */
    public String window() {
        return String.format("%02d–%02d %s", postingHoursStart, postingHoursEnd, timezone);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id)
                .put("title", title)
                .put("chatType", chatType)
                .put("state", state)
                .put("paused", paused)
                .put("pausedReason", pausedReason)
                .put("dryRun", dryRun)
                .put("instagramEnabled", instagramEnabled)
                .put("postsPerDay", postsPerDay)
                .put("postingHoursStart", postingHoursStart)
                .put("postingHoursEnd", postingHoursEnd)
                .put("timezone", timezone)
                .put("mediaDir", mediaDir)
                .put("settingsVersion", settingsVersion)
                .put("performancePlanning", performancePlanning);
    }

    public static Tenant fromJson(JsonObject json) {
        return new Tenant(
                json.getLong("id"),
                json.getString("title", ""),
                json.getString("chatType"),
                json.getString("state"),
                json.getBoolean("paused", false),
                json.getString("pausedReason"),
                json.getBoolean("dryRun", false),
                json.getBoolean("instagramEnabled", false),
                json.getInteger("postsPerDay"),
                json.getInteger("postingHoursStart"),
                json.getInteger("postingHoursEnd"),
                json.getString("timezone"),
                json.getString("mediaDir"),
                json.getLong("settingsVersion", 1L),
                json.getBoolean("performancePlanning", false));
    }
}
