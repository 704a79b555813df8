package dev.storyline.instagram;

import dev.storyline.config.Secret;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenCipherTest {
    static String key() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    @Test
    @DisplayName("a token round-trips; the stored bytes do not contain it and differ each time (random nonce)")
    void roundTrip() {
        TokenCipher cipher = TokenCipher.of(Secret.of(key())).orElseThrow();
        String token = "EAAGm0PX4ZCpsBAKZCZCexample-token";
        byte[] first = cipher.encrypt(token);
        byte[] second = cipher.encrypt(token);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain(token).doesNotContain("EAAG");
        assertThat(first).isNotEqualTo(second);
        assertThat(cipher.decrypt(first).reveal()).isEqualTo(token);
        assertThat(cipher.decrypt(second).toString()).doesNotContain(token);
    }

    @Test
    @DisplayName("another key, a damaged value or no key at all give a sentence, not a stack trace")
    void wrongKey() {
        byte[] stored = TokenCipher.of(Secret.of(key())).orElseThrow().encrypt("secret-token");
        TokenCipher other = TokenCipher.of(Secret.of(key())).orElseThrow();
        assertThatThrownBy(() -> other.decrypt(stored)).isInstanceOf(TokenCipher.KeyMismatch.class)
                .hasMessageContaining("ENCRYPTION_KEY is not the key this token was stored with")
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        stored[20] ^= 1;
        assertThatThrownBy(() -> TokenCipher.of(Secret.of(key())).orElseThrow().decrypt(new byte[] {1, 2}))
                .isInstanceOf(TokenCipher.KeyMismatch.class).hasMessageContaining("damaged");
        assertThat(TokenCipher.of(Secret.of(""))).isEmpty();
        assertThat(TokenCipher.missingKey()).contains("openssl rand -base64 32");
    }
}
