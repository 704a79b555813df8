package dev.storyline.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/install-systemd.sh, run below a scratch root with systemctl replaced by {@code true}. */
class InstallScriptTest {
    @TempDir
    Path root;

    private String install(Path jar) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "scripts/install-systemd.sh", jar.toString()))
                .redirectErrorStream(true);
        builder.environment().put("ROOT", root.toString());
        builder.environment().put("SYSTEMCTL", "true");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    @DisplayName("installs the jar, a configuration from .env.example and a unit with real paths; a rerun keeps the configuration")
    void installAndRerun() throws Exception {
        Path jar = Files.writeString(root.resolve("storyline.jar"), "jar v1");

        String first = install(jar);

        assertThat(root.resolve("opt/storyline/storyline.jar")).hasContent("jar v1");
        Path env = root.resolve("etc/storyline/storyline.env");
        assertThat(Files.readString(env)).contains("STORYLINE_DATA_DIR=/var/lib/storyline", "TELEGRAM_BOT_TOKEN=");
        assertThat(first).contains("Not started yet");
        String unit = Files.readString(root.resolve("etc/systemd/system/storyline.service"));
        assertThat(unit).contains("Type=simple", "Restart=always", "RestartSec=10", "EnvironmentFile=/etc/storyline/storyline.env",
                "User=storyline", "ExecStart=/opt/storyline/storyline serve", "ReadWritePaths=/var/lib/storyline")
                .doesNotContain("@");
        assertThat(root.resolve("var/lib/storyline")).isDirectory();
        assertThat(root.resolve("opt/storyline/storyline")).isExecutable().content().contains("-jar \"$jar\"");

        Files.writeString(env, "TELEGRAM_BOT_TOKEN=1:x\nADMIN_TELEGRAM_CHAT_ID=5\n");
        Files.writeString(jar, "jar v2");
        String second = install(jar);

        assertThat(env).hasContent("TELEGRAM_BOT_TOKEN=1:x\nADMIN_TELEGRAM_CHAT_ID=5");
        assertThat(root.resolve("opt/storyline/storyline.jar")).hasContent("jar v2");
        assertThat(second).contains("Kept the existing", "(re)started");
    }
}
