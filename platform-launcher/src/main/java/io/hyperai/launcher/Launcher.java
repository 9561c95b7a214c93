package io.hyperai.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar platform-launcher/target/platform-launcher.jar up|down|status [options]}; usually run through the
 * {@code ./platform} script at the project root. See {@link Options#usage()}.
 */
public final class Launcher {

    /** System property (set by ./platform) or environment variable naming the project root. */
    static final String HOME_PROPERTY = "hyperai.home";
    static final String HOME_ENV = "HYPERAI_HOME";

    private Launcher() {
    }

    public static void main(String[] args) {
        LauncherLogging.init();
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        Path home = home();
        Options opt;
        try {
            opt = Options.parse(args, System.getenv(), Path.of("").toAbsolutePath(), home);
        } catch (Options.UsageException e) {
            out.println(e.getMessage());
            out.println("(./platform help lists the commands and options)");
            return 64;
        }
        switch (opt.command()) {
            case UP:
                return new Up(opt, home, out).run();
            case DOWN:
                LauncherLogging.quiet();
                return Down.run(opt, out);
            case RESTART:
                LauncherLogging.quiet();
                return Restart.run(opt, out);
            case STATUS:
                LauncherLogging.quiet();
                return Status.run(opt, out);
            default:
                out.print(Options.usage());
                return 0;
        }
    }

    /**
     * The project root: {@code -Dhyperai.home}, {@code $HYPERAI_HOME}, else derived from the jar's location
     * ({@code <root>/platform-launcher/target/platform-launcher.jar}), else the working directory.
     */
    static Path home() {
        String explicit = System.getProperty(HOME_PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(HOME_ENV);
        }
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        try {
            Path code = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../platform-launcher/target/platform-launcher.jar or .../platform-launcher/target/classes
            Path root = code.getParent() == null ? null : code.getParent().getParent();
            root = root == null ? null : root.getParent();
            if (root != null && Files.isRegularFile(root.resolve("pom.xml"))) {
                return root.toAbsolutePath().normalize();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
