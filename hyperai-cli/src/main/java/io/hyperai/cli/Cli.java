package io.hyperai.cli;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** What every command works with: the environment, the output streams, the configuration, the API. */
public final class Cli {

    final Map<String, String> env;
    final PrintWriter out;
    final PrintWriter err;
    final boolean terminal;
    final Clock clock;
    private Config config;
    private HttpClient http;

    public Cli(Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal, Clock clock) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
    }

    Config config() {
        if (config == null) {
            config = Config.load(env);
        }
        return config;
    }

    HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL).version(HttpClient.Version.HTTP_1_1).build();
        }
        return http;
    }

    TokenClient tokens() {
        return new TokenClient(http(), clock);
    }

    Session session() {
        return new Session(config().credentialsFile(), tokens(), clock);
    }

    Api api() {
        Session session = session();
        return new Api(config(), http(), session::accessToken);
    }

    Progress.Factory progress() {
        return terminal ? Progress.on(err) : Progress.NONE;
    }

    void json(JsonNode node) {
        out.println(node == null ? "null" : Json.pretty(node));
        out.flush();
    }

    void print(String text) {
        out.print(text);
        out.flush();
    }

    /** Text for the person watching (stderr), as it comes. */
    void printErr(String text) {
        err.print(text);
        err.flush();
    }

    void println(String line) {
        out.println(line);
        out.flush();
    }

    /** A note for the person watching (stderr), kept out of what scripts read. */
    void note(String line) {
        err.println(line);
        err.flush();
    }
}
