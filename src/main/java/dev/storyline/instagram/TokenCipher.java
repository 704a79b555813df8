package dev.storyline.instagram;

import dev.storyline.config.Secret;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * AES-256-GCM for the tokens Storyline stores (D19): {@code nonce (12 bytes) || ciphertext || tag}.
 * Built from {@code ENCRYPTION_KEY}; without a valid key nothing is stored or read, and a key that
 * differs from the one a token was stored with gives {@link KeyMismatch}, a message, not a stack trace.
 */
public final class TokenCipher {
    public static final String HOW_TO_GENERATE = "generate one with `openssl rand -base64 32`, put it in .env as ENCRYPTION_KEY=… and keep it: "
            + "tokens stored under one key cannot be read under another";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private TokenCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The cipher for a configured key; empty when none is set (the config parser has already rejected a malformed one). */
    public static Optional<TokenCipher> of(Secret encryptionKey) {
        if (!encryptionKey.isPresent()) {
            return Optional.empty();
        }
        byte[] raw = Base64.getDecoder().decode(encryptionKey.reveal());
        if (raw.length != 32) {
            throw new IllegalArgumentException("ENCRYPTION_KEY must be base64 of 32 bytes; " + HOW_TO_GENERATE);
        }
        return Optional.of(new TokenCipher(raw));
    }

    /** Why tokens cannot be stored or read here. */
    public static String missingKey() {
        return "ENCRYPTION_KEY is not set, so Instagram tokens can be neither stored nor read: " + HOW_TO_GENERATE + ".";
    }

    public byte[] encrypt(String plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    public Secret decrypt(byte[] stored) {
        if (stored == null || stored.length <= NONCE_BYTES) {
            throw new KeyMismatch("the stored token is damaged");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            return Secret.of(new String(cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new KeyMismatch("ENCRYPTION_KEY is not the key this token was stored with; set the original key, "
                    + "or connect the account again to store the token under the new one");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** A key for signing (media URLs), derived from the encryption key so there is one secret to keep. */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** A stored token cannot be read with the configured key. */
    public static final class KeyMismatch extends RuntimeException {
        public KeyMismatch(String message) {
            super(message, null, false, false);
        }
    }
}
