package io.hyperai.execution.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Internet egress for one sandbox: slirp4netns attached to the sandbox's network namespace, with the host's loopback
 * refused, its own seccomp filter, and its own sandbox (a mount namespace with only the host's /etc and /run, every
 * capability dropped but binding low ports), since it parses what hostile code sends. Entering a namespace that an
 * unprivileged user's bwrap made takes root: the service must run as root for this egress. It exits when its standard input, a pipe from this service, closes, so a service
 * killed with -9 leaves no helper behind (its sandboxes die with it too). The sandbox's command waits for the route it configures
 * ({@link SandboxCommand#AWAIT_ROUTE}).
 */
final class UserModeNetwork {

    /** The interface slirp4netns creates; the sandbox waits for a route through it. */
    static final String INTERFACE = "tap0";
    private static final Duration FIND_NAMESPACE = Duration.ofSeconds(10);

    private UserModeNetwork() {
    }

    /** Starts the helper for the network namespace of {@code sandbox}'s tree; fails if none appears in time. */
    static Process attach(Path slirp4netns, Process sandbox) throws IOException {
        long pid = namespaceHolder(sandbox);
        // the namespace by path: given a pid, slirp4netns would first join that process's user namespace, which
        // bwrap's --disable-userns nests one level below the namespace's owner, and could then not enter it
        List<String> cmd = List.of(slirp4netns.toString(), "--configure", "--mtu=65520", "--disable-host-loopback",
                "--enable-seccomp", "--enable-sandbox", "--exit-fd=0", "--netns-type=path",
                "/proc/" + pid + "/ns/net", INTERFACE);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        return builder.start();
    }

    /** The first process of the sandbox whose network namespace is not ours (bwrap's child, once it unshared). */
    private static long namespaceHolder(Process sandbox) throws IOException {
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        Instant deadline = Instant.now().plus(FIND_NAMESPACE);
        while (Instant.now().isBefore(deadline) && sandbox.isAlive()) {
            Optional<Long> holder = sandbox.descendants().map(ProcessHandle::pid)
                    .filter(pid -> {
                        Path netns = netns(pid);
                        return netns != null && !ours.equals(netns);
                    }).findFirst();
            if (holder.isPresent()) {
                return holder.get();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException("the sandbox's network namespace did not appear within " + FIND_NAMESPACE);
    }

    private static Path netns(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
