package io.hyperai.execution.runtime.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.hyperai.execution.runtime.Launch;

/**
 * The command line of one bubblewrap sandbox. Built from nothing: a cleared environment with only what user code is
 * documented to get, every namespace of its own (user, PID, IPC, UTS, cgroup and network: loopback only, so no
 * port of the host is reachable; with internet egress, {@link UserModeNetwork} adds a route out that still avoids
 * the host's loopback), no further user namespaces, a new session (no TIOCSTI into a terminal), the
 * seccomp program on file descriptor 3, the system read-only, a minimal {@code /etc} of the platform's making,
 * {@code /tmp}, {@code /dev/shm} and {@code $HOME} as size-capped tmpfs (charged to the execution's memory cgroup), inputs
 * read-only and {@code /hyperai/home} writable. A shell prefix joins the cgroup and opens the seccomp file while
 * still privileged; when the service runs as root, {@code setpriv} then drops to the unprivileged sandbox user, so
 * even the user namespace maps to a host uid that owns nothing.
 */
public record SandboxCommand(Path bwrap, int sandboxUid, boolean dropPrivileges, Path etc, List<Path> cgroupProcs,
        Path seccomp, boolean internet) {

    /** Where a workspace's Jupyter socket directory appears inside the sandbox. */
    public static final String RUN_DIR = "/run/hyperai";
    public static final String JUPYTER_SOCKET = "jupyter.sock";
    public static final String HOME = "/hyperai/home";
    /**
     * {@code $HOME}: outside the saved working directory, so what installers and tools put there ({@code pip install
     * --user}, caches, shell history) is gone with the execution; only {@link #HOME} comes back on "continue".
     */
    public static final String USER_HOME = "/home/hyperai";
    public static final String PATH = "/usr/local/bin:/usr/bin:/bin";
    /**
     * With internet egress, user code starts once slirp4netns has configured the default route (or after 10 s
     * without it, when it then simply has no network), so a script's first request does not race the helper.
     */
    static final String AWAIT_ROUTE = "i=0; while [ $i -lt 200 ] && ! grep -q '^" + UserModeNetwork.INTERFACE
            + "\\s*00000000' /proc/net/route; do sleep 0.05; i=$((i+1)); done; exec \"$@\"";
    /** Files of the host's {@code /etc} that programs need and that say nothing about the host. */
    static final List<String> HOST_ETC = List.of("alternatives", "ssl", "ca-certificates", "ld.so.cache",
            "ld.so.conf", "ld.so.conf.d", "localtime", "mime.types", "python3", "python3.11", "python3.12",
            "jupyter", "matplotlibrc", "fonts", "os-release", "debian_version", "inputrc", "gai.conf", "protocols",
            "services");

    /** The full command; {@code user} is what runs inside. */
    public List<String> build(Launch launch, Path home, Path runDir, Map<String, String> env, long tmpBytes,
            List<String> user, java.util.function.Function<Launch.Mount, Path> volume) {
        StringBuilder prefix = new StringBuilder();
        for (Path procs : cgroupProcs) {
            prefix.append("echo $$ > ").append(quote(procs)).append(" || exit 125; ");
        }
        if (seccomp != null) {
            prefix.append("exec 3< ").append(quote(seccomp)).append(" || exit 125; ");
        }
        prefix.append("exec \"$@\"");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", prefix.toString(), "hyperai-sandbox"));
        if (dropPrivileges) {
            cmd.addAll(List.of("setpriv", "--reuid=" + sandboxUid, "--regid=" + sandboxUid, "--clear-groups",
                    "--no-new-privs", "--"));
        }
        cmd.addAll(List.of(bwrap.toString(), "--die-with-parent", "--new-session", "--unshare-user",
                "--disable-userns", "--uid", "1000", "--gid", "1000", "--unshare-pid", "--unshare-ipc",
                "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "hyperai", "--clearenv"));
        env.forEach((k, v) -> cmd.addAll(List.of("--setenv", k, v)));
        cmd.addAll(List.of("--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin"));
        cmd.addAll(List.of("--dir", "/etc"));
        for (String own : List.of("passwd", "group", "hosts", "nsswitch.conf")) {
            cmd.addAll(List.of("--ro-bind", etc.resolve(own).toString(), "/etc/" + own));
        }
        cmd.addAll(List.of("--ro-bind", etc.resolve(internet ? SandboxEtc.RESOLV_SLIRP : SandboxEtc.RESOLV_NONE)
                .toString(), "/etc/resolv.conf"));
        for (String host : HOST_ETC) {
            cmd.addAll(List.of("--ro-bind-try", "/etc/" + host, "/etc/" + host));
        }
        cmd.addAll(List.of("--dev", "/dev", "--proc", "/proc",
                "--size", Long.toString(tmpBytes), "--tmpfs", "/tmp",
                "--size", Long.toString(tmpBytes), "--tmpfs", "/dev/shm",
                "--size", Long.toString(tmpBytes), "--tmpfs", USER_HOME,
                "--bind", home.toString(), HOME));
        if (runDir != null) {
            cmd.addAll(List.of("--bind", runDir.toString(), RUN_DIR));
        }
        for (Launch.Mount input : launch.inputs()) {
            cmd.addAll(List.of("--ro-bind", volume.apply(input).toString(), input.mountPath()));
        }
        if (seccomp != null) {
            cmd.addAll(List.of("--seccomp", "3"));
        }
        cmd.addAll(List.of("--chdir", HOME, "--"));
        if (internet) {
            cmd.addAll(List.of("/bin/sh", "-c", AWAIT_ROUTE, "hyperai-network"));
        }
        cmd.addAll(user);
        return cmd;
    }

    private static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }
}
