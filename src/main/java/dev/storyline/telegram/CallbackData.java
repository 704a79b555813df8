package dev.storyline.telegram;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one codec for inline-button data: {@code <version>:<action>[:<arg>...]}, at most 64 bytes,
 * every part checked on the way in. Anything else (another bot's data, an old version, a forged
 * argument) does not decode, and the press is answered as "no longer valid".
 */
public record CallbackData(Action action, List<String> args) {
    public static final String VERSION = "1";
    public static final int MAX_BYTES = 64;
    private static final Pattern ARG = Pattern.compile("[A-Za-z0-9_-]{1,24}");

    public enum Action {
        /** Toggle a setting: {@code 1:t:<setting>}. */
        TOGGLE("t", 1),
        /** Ask for a setting's new value: {@code 1:e:<setting>}. */
        EDIT("e", 1),
        /** Approve a registration (admin chat only): {@code 1:a:<chat id>}. */
        APPROVE("a", 1),
        /** Decline a registration (admin chat only): {@code 1:d:<chat id>}. */
        DECLINE("d", 1),
        /**
         * The category mix screen (D27): {@code 1:m:<op>:<draft>}, op {@code o} open (draft {@code -}: the mix
         * in force), {@code v} show this draft, {@code s} save it, {@code n} no mix; the draft is two
         * characters per category ({@code 00}–{@code 99}, {@code xx} for 100) in the screen's order.
         */
        MIX("m", 2),
        /** A story was posted by hand: {@code 1:p:<queue id>}. */
        POSTED("p", 1),
        /** Skip this story for now: {@code 1:s:<queue id>}. */
        SKIP("s", 1),
        /** Ask to reject this image for good: {@code 1:r:<queue id>}. */
        REJECT("r", 1),
        /** Reject confirmed: {@code 1:R:<queue id>}. */
        REJECT_CONFIRMED("R", 1),
        /** Reject cancelled, the story's buttons come back: {@code 1:c:<queue id>}. */
        CANCEL("c", 1),
        /** Show the story's link: {@code 1:l:<queue id>}. */
        LINK("l", 1),
        /** Publish this story through Instagram now (administrators): {@code 1:i:<queue id>}. */
        AUTO_POST("i", 1);

        /** The story buttons, handled by the posting verticle. */
        public boolean isStory() {
            return this == POSTED || this == SKIP || this == REJECT || this == REJECT_CONFIRMED || this == CANCEL || this == LINK
                    || this == AUTO_POST;
        }

        private final String wire;
        private final int arity;

        Action(String wire, int arity) {
            this.wire = wire;
            this.arity = arity;
        }
    }

    public static CallbackData of(Action action, String... args) {
        CallbackData data = new CallbackData(action, List.of(args));
        decode(data.encode()); // validates
        return data;
    }

    public String encode() {
        StringBuilder out = new StringBuilder(VERSION).append(':').append(action.wire);
        args.forEach(a -> out.append(':').append(a));
        return out.toString();
    }

    public String arg(int index) {
        return args.get(index);
    }

    public long longArg(int index) {
        return Long.parseLong(args.get(index));
    }

    /** @throws IllegalArgumentException when the data is not ours or not valid */
    public static CallbackData decode(String data) {
        if (data == null || data.isEmpty() || data.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("callback data empty or longer than 64 bytes");
        }
        String[] parts = data.split(":", -1);
        if (parts.length < 2 || !VERSION.equals(parts[0])) {
            throw new IllegalArgumentException("unknown callback data version");
        }
        Action action = Arrays.stream(Action.values()).filter(a -> a.wire.equals(parts[1])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown callback action"));
        List<String> args = List.of(parts).subList(2, parts.length);
        if (args.size() != action.arity || !args.stream().allMatch(a -> ARG.matcher(a).matches())) {
            throw new IllegalArgumentException("malformed callback arguments");
        }
        return new CallbackData(action, args);
    }
}
