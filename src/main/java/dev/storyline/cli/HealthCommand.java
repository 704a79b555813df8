package dev.storyline.cli;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
import dev.storyline.config.Secret;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Asks the running server's health; exit 0 when healthy, 1 otherwise (for scripts and monitors). With
 * the server's ADMIN_TOKEN in the configuration it reads {@code /admin/health}, whose details (the
 * database's address, the last Telegram error) the public {@code /health} keeps to itself.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show the health of the running Storyline; exit 0 when healthy, 1 otherwise. "
                + "With ADMIN_TOKEN configured it shows each check's detail.")
final class HealthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", description = "Health URL, or the server's base URL (default: http://HTTP_HOST:HTTP_PORT/health).")
    URI url;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // with --url the configuration only lends its ADMIN_TOKEN, so its problems are not this command's
        Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE,
                url == null ? err : new PrintWriter(java.io.Writer.nullWriter()));
        URI base;
        if (url != null) {
            base = url;
        } else if (config.isEmpty()) {
            return Cli.FAILED;
        } else {
            String host = config.get().http().host();
            if (host.equals("0.0.0.0") || host.equals("::")) {
                host = "127.0.0.1";
            }
            base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.get().http().port() + "/health");
        }
        // a base URL (http://host:8080) means its /health
        URI target = base.getPath() == null || base.getPath().isEmpty() || base.getPath().equals("/") ? base.resolve("/health") : base;
        String token = config.map(c -> c.http().adminToken()).filter(Secret::isPresent).map(Secret::reveal).orElse(null);
        HttpResponse<String> response = null;
        boolean detailed = false;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            if (token != null && target.getPath().endsWith("/health")) {
                URI admin = target.resolve(target.getPath().replaceFirst("/health$", "/admin/health"));
                response = client.send(HttpRequest.newBuilder(admin).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                detailed = response.statusCode() == 200 || response.statusCode() == 503;
                if (!detailed) {
                    err.println("The admin API did not take this ADMIN_TOKEN (" + response.statusCode() + "): the public report follows.");
                }
            }
            if (!detailed) {
                response = client.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } else {
                target = target.resolve(target.getPath().replaceFirst("/health$", "/admin/health"));
            }
        } catch (IOException e) {
            err.println("Storyline is not answering at " + target + " (" + describe(e) + "). Is it running?");
            return Cli.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Cli.FAILED;
        }
        JsonObject body;
        try {
            body = new JsonObject(response.body());
        } catch (DecodeException e) {
            err.println(target + " answered " + response.statusCode() + " without a health report; is that Storyline?");
            return Cli.FAILED;
        }
        Table table = detailed ? new Table("CHECK", "STATUS", "DETAIL") : new Table("CHECK", "STATUS");
        for (Map.Entry<String, Object> check : body.getJsonObject("checks", new JsonObject())) {
            JsonObject result = (JsonObject) check.getValue();
            if (detailed) {
                table.row(check.getKey(), result.getString("status"), result.getString("detail"));
            } else {
                table.row(check.getKey(), result.getString("status"));
            }
        }
        table.print(out);
        boolean healthy = response.statusCode() == 200;
        out.println((healthy ? "Healthy" : "Unhealthy") + ": Storyline " + body.getString("version", "?") + " at " + target);
        if (!detailed) {
            out.println("(Each check's detail needs the server's ADMIN_TOKEN in this configuration.)");
        }
        return healthy ? Cli.OK : Cli.FAILED;
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
