package io.hyperai.cli;

/** A failure the CLI reports as one line ({@code error: <message>}) and an exit code. */
public class CliException extends RuntimeException {

    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILURE);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(message, USAGE);
    }

    public int exitCode() {
        return exitCode;
    }
}
