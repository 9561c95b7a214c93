package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials on disk and their refresh, against a stub token endpoint. */
class SessionTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private TokenStub stub;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        stub = new TokenStub();
        file = dir.resolve("config/credentials.json");
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private TokenClient tokens(Instant now) {
        return new TokenClient(HttpClient.newHttpClient(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private Session session(Instant now) {
        return new Session(file, tokens(now), Clock.fixed(now, ZoneOffset.UTC));
    }

    private Credentials login() {
        Credentials c = tokens(T0).password(stub.endpoint(), "hyperai-cli", "alice", "alice");
        c.write(file);
        return c;
    }

    @Test
    void theFileIsTheOwnersAlone() throws Exception {
        Credentials c = login();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Credentials.read(file)).isEqualTo(c);
        // rewriting a file someone made readable makes it private again
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        c.write(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void loginKeepsBothTokensAndWhenTheyExpire() {
        Credentials c = login();
        assertThat(c.username()).isEqualTo("alice");
        assertThat(c.expiresAt()).isEqualTo(T0.getEpochSecond() + 300);
        assertThat(c.refreshToken()).isEqualTo("refresh-1");
        assertThat(c.refreshExpiresAt()).isEqualTo(T0.getEpochSecond() + 1800);
        assertThat(c.tokenEndpoint()).isEqualTo(stub.endpoint());
        assertThat(stub.grants.get(0)).containsEntry("grant_type", "password").containsEntry("client_id", "hyperai-cli");
    }

    @Test
    void aWrongPasswordIsOneClearLine() {
        assertThatThrownBy(() -> tokens(T0).password(stub.endpoint(), "hyperai-cli", "alice", "nope"))
                .isInstanceOf(CliException.class).hasMessage("login failed: wrong user name or password");
    }

    @Test
    void aValidTokenIsUsedAsItIs() {
        Credentials c = login();
        assertThat(session(T0.plusSeconds(200)).accessToken()).isEqualTo(c.accessToken());
        assertThat(stub.grants).hasSize(1);
    }

    @Test
    void anExpiredTokenIsRefreshedAndSaved() throws Exception {
        Credentials old = login();
        Instant later = T0.plusSeconds(290); // within the margin of the 300 s token
        String token = session(later).accessToken();

        assertThat(token).isNotEqualTo(old.accessToken());
        assertThat(stub.grants).hasSize(2);
        assertThat(stub.grants.get(1)).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "refresh-1").containsEntry("client_id", "hyperai-cli");
        Credentials saved = Credentials.read(file);
        assertThat(saved.accessToken()).isEqualTo(token);
        assertThat(saved.refreshToken()).isEqualTo("refresh-2");
        assertThat(saved.expiresAt()).isEqualTo(later.getEpochSecond() + 300);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // and the next call uses the saved one
        assertThat(session(later.plusSeconds(10)).accessToken()).isEqualTo(token);
        assertThat(stub.grants).hasSize(2);
    }

    @Test
    void aProviderThatDoesNotRotateKeepsTheOldRefreshToken() {
        login();
        stub.sendRefreshToken = false;
        session(T0.plusSeconds(400)).accessToken();
        assertThat(Credentials.read(file).refreshToken()).isEqualTo("refresh-1");
    }

    @Test
    void aRefusedRefreshAsksForALogin() {
        login();
        stub.revoked.add("refresh-1");
        assertThatThrownBy(() -> session(T0.plusSeconds(400)).accessToken()).isInstanceOf(CliException.class)
                .hasMessage("session expired: run `hyperai login`");
    }

    @Test
    void anExpiredRefreshTokenIsNotEvenTried() {
        login();
        assertThatThrownBy(() -> session(T0.plusSeconds(1800)).accessToken()).isInstanceOf(CliException.class)
                .hasMessage(Session.EXPIRED);
        assertThat(stub.grants).hasSize(1);
    }

    @Test
    void withoutARefreshTokenAnExpiredTokenAsksForALogin() {
        stub.sendRefreshToken = false;
        login();
        assertThatThrownBy(() -> session(T0.plusSeconds(400)).accessToken()).hasMessage(Session.EXPIRED);
    }

    @Test
    void nobodyLoggedIn() {
        assertThatThrownBy(() -> session(T0).accessToken()).isInstanceOf(CliException.class)
                .hasMessage("not logged in: run `hyperai login`");
    }

    @Test
    void anUnreachableAuthServerIsOneLine() {
        String endpoint = stub.endpoint();
        stub.close();
        assertThatThrownBy(() -> tokens(T0).password(endpoint, "hyperai-cli", "alice", "alice"))
                .isInstanceOf(CliException.class).hasMessageStartingWith("cannot reach the auth server at " + endpoint);
    }
}
