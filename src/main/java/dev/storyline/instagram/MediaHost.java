package dev.storyline.instagram;

import io.vertx.core.Future;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Makes a prepared JPEG (or a story video, D29) reachable at a public URL for as long as Instagram needs to fetch it
 * ({@code MEDIA_HOSTING}): {@link SelfMediaHost} or {@link CloudinaryMediaHost}.
 */
public interface MediaHost {
    /** A hosted copy older than this is a leftover: no publish waits that long for Instagram's fetch. */
    Duration LEFTOVER_AFTER = Duration.ofHours(2);

    /** A hosted copy: the URL Instagram fetches, and what {@link #remove} needs to delete it. */
    record Hosted(String url, String handle) {
    }

    /** Hosts {@code file}, a .jpg or an .mp4/.mov (which the host may move or delete: it is a copy made for this publish). */
    Future<Hosted> host(Path file);

    /** Deletes the hosted copy; never fails (a copy left behind expires or is swept). */
    Future<Void> remove(Hosted hosted);

    /** Why this host cannot work as configured, or null when it can. */
    String problem();

    /**
     * Deletes copies a crash or a lost answer left behind (older than any publish may still need);
     * how many. Never fails.
     */
    default Future<Integer> sweep() {
        return Future.succeededFuture(0);
    }
}
