package io.hyperai.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The libraries inside the launcher (PostgreSQL and Kafka helpers through JBoss Logging, fabric8 through SLF4J) log
 * through java.util.logging into {@code logs/launcher.log}; the console shows only the launcher's own lines.
 */
final class LauncherLogging {

    static {
        System.setProperty("org.jboss.logging.provider", "jdk");
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tF %1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
    }

    private LauncherLogging() {
    }

    /** Call before any library logs. */
    static void init() {
        // the static initializer did it
    }

    static void toFile(Path file) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        try {
            FileHandler fh = new FileHandler(file.toString(), true);
            fh.setFormatter(new SimpleFormatter());
            fh.setLevel(Level.ALL);
            root.addHandler(fh);
        } catch (IOException e) {
            // no file: fall back to nothing rather than cluttering the console
        }
        root.setLevel(Level.INFO);
    }

    /** Quiet console for status/down. */
    static void quiet() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            h.setLevel(Level.SEVERE);
        }
    }
}
