package io.hyperai.cli;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

final class AuthCommands {

    private AuthCommands() {
    }

    @Command(name = "login", description = { "Sign in with a password, or with --device in a browser (the device-code flow).",
            "The tokens go to credentials.json (0600)." })
    static final class Login extends Base {

        @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "The user name (asked when missing).")
        String positional;

        @Option(names = { "-u", "--username" }, description = "The user name.")
        String username;

        @Option(names = { "-p", "--password" }, description = "The password (else $HYPERAI_PASSWORD, else asked).")
        String password;

        @Option(names = "--device", description = "Sign in in a browser, on this machine or another: prints an address and a code.")
        boolean device;

        Login(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Config config = cli.config();
            Credentials credentials = device ? deviceLogin(config) : passwordLogin(config);
            credentials.write(config.credentialsFile());
            if (json()) {
                cli.json(whoami(credentials, now()));
            } else {
                cli.println("logged in as " + credentials.username() + expiry(credentials, now()));
            }
            return 0;
        }

        private Credentials deviceLogin(Config config) {
            if (username != null || positional != null || password != null) {
                throw usage("--device asks for no user name or password: you sign in in the browser");
            }
            return new DeviceLogin(cli.tokens(), ExecutionCommands::sleep, cli.clock).login(config.issuer(),
                    config.clientId(), cli::note);
        }

        private Credentials passwordLogin(Config config) {
            Console console = System.console();
            String user = username != null ? username : positional;
            if (user == null && cli.terminal && console != null) {
                user = console.readLine("user: ");
            }
            if (user == null || user.isBlank()) {
                throw usage("a user name is required (hyperai login USER)");
            }
            String secret = password != null ? password : cli.env.get("HYPERAI_PASSWORD");
            if (secret == null && cli.terminal && console != null) {
                char[] typed = console.readPassword("password for %s: ", user);
                secret = typed == null ? null : new String(typed);
            }
            if (secret == null) {
                throw usage("a password is required: --password, $HYPERAI_PASSWORD, or run it in a terminal");
            }
            return cli.tokens().password(config.tokenEndpoint(), config.clientId(), user.trim(), secret);
        }
    }

    @Command(name = "logout", description = "Forget the tokens.")
    static final class Logout extends Base {

        Logout(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            try {
                boolean existed = Files.deleteIfExists(cli.config().credentialsFile());
                cli.println(existed ? "logged out" : "not logged in");
            } catch (java.io.IOException e) {
                throw new CliException("cannot delete " + cli.config().credentialsFile() + ": " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "whoami", description = "Who is signed in (refreshing the token if it has expired).")
    static final class Whoami extends Base {

        Whoami(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Credentials credentials = cli.session().current();
            ObjectNode me = whoami(credentials, now());
            if (json()) {
                cli.json(me);
            } else {
                List<String> roles = new ArrayList<>();
                me.path("roles").forEach(r -> roles.add(r.asText()));
                cli.println(me.path("username").asText() + " (subject " + me.path("subject").asText() + ", roles "
                        + (roles.isEmpty() ? "-" : String.join(", ", roles)) + ")" + expiry(credentials, now()));
                cli.println("auth server: " + credentials.tokenEndpoint());
            }
            return 0;
        }
    }

    static String expiry(Credentials credentials, Instant now) {
        if (credentials.expiresAt() == 0) {
            return "";
        }
        return "; token valid for "
                + Format.duration(Duration.ofSeconds(credentials.expiresAt() - now.getEpochSecond()))
                + (credentials.hasRefreshToken() ? ", refreshed automatically" : "");
    }

    /** What the access token says about its user (not verified here: the services verify it). */
    static ObjectNode whoami(Credentials credentials, Instant now) {
        JsonNode claims = claims(credentials.accessToken());
        ObjectNode me = Json.MAPPER.createObjectNode();
        String username = Json.text(claims, "preferred_username");
        me.put("username", username != null ? username : credentials.username());
        me.put("subject", Json.text(claims, "sub"));
        me.set("roles", claims.path("realm_access").path("roles").isArray()
                ? claims.path("realm_access").path("roles") : Json.MAPPER.createArrayNode());
        me.put("issuer", Json.text(claims, "iss"));
        if (credentials.expiresAt() > 0) {
            me.put("expiresAt", Instant.ofEpochSecond(credentials.expiresAt()).toString());
        }
        return me;
    }

    static JsonNode claims(String jwt) {
        String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
        if (parts.length < 2) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
