package io.hyperai.execution.config;

/** What the network namespace of a local execution reaches beyond its own loopback. */
public enum LocalEgress {
    /** Nothing: the sandbox has only its own loopback. */
    NONE,
    /**
     * The internet through slirp4netns (user-mode networking: the sandbox's packets become ordinary sockets of an
     * unprivileged helper process), with the host's loopback refused ({@code --disable-host-loopback}).
     */
    INTERNET
}
