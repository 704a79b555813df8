package dev.storyline.cli;

import dev.storyline.config.AppConfig;
import dev.storyline.config.ConfigParser;
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

/** Asks the running server's {@code /health}; exit 0 when healthy, 1 otherwise (for scripts and monitors). */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show the health of the running Storyline; exit 0 when healthy, 1 otherwise.")
final class HealthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", description = "Health URL, or the server's base URL (default: http://HTTP_HOST:HTTP_PORT/health).")
    URI url;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // a base URL (http://host:8080) means its /health
        URI target = url != null && (url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/")) ? url.resolve("/health") : url;
        if (target == null) {
            Optional<AppConfig> config = CommandSupport.config(CommandSupport.sources(spec), ConfigParser.Purpose.DATABASE, err);
            if (config.isEmpty()) {
                return Cli.FAILED;
            }
            String host = config.get().http().host();
            if (host.equals("0.0.0.0") || host.equals("::")) {
                host = "127.0.0.1";
            }
            target = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.get().http().port() + "/health");
        }
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            response = client.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
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
        Table table = new Table("CHECK", "STATUS", "DETAIL");
        for (Map.Entry<String, Object> check : body.getJsonObject("checks", new JsonObject())) {
            JsonObject result = (JsonObject) check.getValue();
            table.row(check.getKey(), result.getString("status"), result.getString("detail"));
        }
        table.print(out);
        boolean healthy = response.statusCode() == 200;
        out.println((healthy ? "Healthy" : "Unhealthy") + ": Storyline " + body.getString("version", "?") + " at " + target);
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
