package dev.storyline.miniapp;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** D30: Telegram's initData check, against a hash made step by step as Telegram's documentation describes it. */
class InitDataTest {
    private static final String TOKEN = "123456:ABC-test";
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final String USER = "{\"id\":502,\"first_name\":\"Max\",\"username\":\"max\",\"language_code\":\"en\"}";

    private static String documented(long authDate) throws Exception {
        String check = "auth_date=" + authDate + "\nquery_id=AAHdF6IQAAAAAN0XohDhrOrc\nuser=" + USER;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("WebAppData".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] secret = mac.doFinal(TOKEN.getBytes(StandardCharsets.UTF_8));
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        String hash = HexFormat.of().formatHex(mac.doFinal(check.getBytes(StandardCharsets.UTF_8)));
        // Telegram sends the fields in any order, URL-encoded
        return "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=" + URLEncoder.encode(USER, StandardCharsets.UTF_8) + "&auth_date=" + authDate
                + "&hash=" + hash;
    }

    @Test
    @DisplayName("a hash made as Telegram documents it is accepted and names the person")
    void accepted() throws Exception {
        InitData.Person person = InitData.verify(documented(NOW.getEpochSecond() - 60), TOKEN, NOW, Duration.ofHours(24));
        assertThat(person).isEqualTo(new InitData.Person(502, "Max", "max"));
        assertThat(InitData.verify(InitData.sign(Map.of("auth_date", "1796300000", "user", USER), TOKEN), TOKEN,
                Instant.ofEpochSecond(1796300000), Duration.ofHours(1)).id()).isEqualTo(502);
    }

    @Test
    @DisplayName("another bot's signature, a changed field, no hash, an old or a future auth_date, no user: refused with the reason")
    void refused() throws Exception {
        String good = documented(NOW.getEpochSecond() - 60);
        assertThatThrownBy(() -> InitData.verify(good, "654321:other", NOW, Duration.ofHours(24))).hasMessageContaining("not signed by this bot");
        assertThatThrownBy(() -> InitData.verify(good.replace("Max", "Eve"), TOKEN, NOW, Duration.ofHours(24)))
                .hasMessageContaining("not signed by this bot");
        assertThatThrownBy(() -> InitData.verify(good.substring(0, good.indexOf("&hash=")), TOKEN, NOW, Duration.ofHours(24)))
                .hasMessageContaining("no hash");
        assertThatThrownBy(() -> InitData.verify(good.replaceAll("hash=[0-9a-f]+", "hash=zz"), TOKEN, NOW, Duration.ofHours(24)))
                .hasMessageContaining("not signed");
        assertThatThrownBy(() -> InitData.verify(documented(NOW.getEpochSecond() - 25 * 3600), TOKEN, NOW, Duration.ofHours(24)))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> InitData.verify(documented(NOW.getEpochSecond() + 3600), TOKEN, NOW, Duration.ofHours(24)))
                .hasMessageContaining("future");
        assertThatThrownBy(() -> InitData.verify(InitData.sign(Map.of("auth_date", String.valueOf(NOW.getEpochSecond())), TOKEN), TOKEN, NOW,
                Duration.ofHours(24))).hasMessageContaining("names no person");
        assertThatThrownBy(() -> InitData.verify("", TOKEN, NOW, Duration.ofHours(24))).hasMessageContaining("no Telegram sign-in");
        assertThatThrownBy(() -> InitData.verify("a=%zz&hash=00", TOKEN, NOW, Duration.ofHours(24))).hasMessageContaining("garbled");
    }

    @Test
    @DisplayName("a session cookie is good for its person until it expires; a changed one is not")
    void sessions() {
        Sessions sessions = new Sessions(TOKEN);
        String cookie = sessions.issue(502, NOW);
        assertThat(sessions.verify(cookie, NOW.plus(Duration.ofDays(6)))).contains(502L);
        assertThat(sessions.verify(cookie, NOW.plus(Duration.ofDays(8)))).isEmpty();
        assertThat(sessions.verify(cookie.replaceFirst("^502", "501"), NOW)).isEmpty();
        assertThat(new Sessions("other:token").verify(cookie, NOW)).isEmpty();
        assertThat(sessions.verify("garbage", NOW)).isEmpty();
    }
}
