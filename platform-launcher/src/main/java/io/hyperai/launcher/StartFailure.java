package io.hyperai.launcher;

import java.nio.file.Path;

/** A start-up step of {@code up} failed; the message names the component, {@link #log} (if any) shows why. */
final class StartFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final transient Path log;

    StartFailure(String message, Path log) {
        super(message);
        this.log = log;
    }
}
