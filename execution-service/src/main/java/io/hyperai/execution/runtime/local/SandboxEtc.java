package io.hyperai.execution.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sandbox's own {@code /etc} files: one user, no host names but its own; no name server without a network, and
 * slirp4netns's own forwarder with one.
 */
final class SandboxEtc {

    static final String RESOLV_NONE = "resolv.conf";
    static final String RESOLV_SLIRP = "resolv.conf.slirp";

    private SandboxEtc() {
    }

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "hyperai:x:1000:1000:HyperAI user:" + SandboxCommand.USER_HOME + ":/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Files.writeString(dir.resolve("group"), "root:x:0:\nhyperai:x:1000:\nnogroup:x:65534:\n");
        Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost hyperai\n::1 localhost ip6-localhost\n");
        Files.writeString(dir.resolve(RESOLV_NONE), "");
        Files.writeString(dir.resolve(RESOLV_SLIRP), "nameserver 10.0.2.3\n");
        Files.writeString(dir.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
        return dir;
    }
}
