package io.hyperai.cli;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The signed-in user's access token, refreshed (and saved again) when it has expired or is about to:
 * a token with less than {@link #MARGIN_SECONDS} left is treated as expired.
 */
public final class Session {

    public static final long MARGIN_SECONDS = 30;
    static final String NOT_LOGGED_IN = "not logged in: run `hyperai login`";
    static final String EXPIRED = "session expired: run `hyperai login`";

    private final Path file;
    private final TokenClient tokens;
    private final Clock clock;

    public Session(Path file, TokenClient tokens, Clock clock) {
        this.file = file;
        this.tokens = tokens;
        this.clock = clock;
    }

    public Credentials current() {
        Credentials credentials = Credentials.read(file);
        if (credentials == null || credentials.accessToken() == null) {
            throw new CliException(NOT_LOGGED_IN);
        }
        long now = clock.instant().getEpochSecond();
        if (credentials.expiresAt() == 0 || credentials.expiresAt() - MARGIN_SECONDS > now) {
            return credentials;
        }
        boolean refreshable = credentials.hasRefreshToken()
                && (credentials.refreshExpiresAt() == 0 || credentials.refreshExpiresAt() - MARGIN_SECONDS > now);
        if (!refreshable) {
            throw new CliException(EXPIRED);
        }
        Credentials fresh = tokens.refresh(credentials);
        fresh.write(file);
        return fresh;
    }

    public String accessToken() {
        return current().accessToken();
    }
}
