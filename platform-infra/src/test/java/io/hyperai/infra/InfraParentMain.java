package io.hyperai.infra;

import java.nio.file.Path;

/**
 * Run by the tests as a separate JVM that owns a child server, so the tests can kill -9 this
 * "parent" and check that the server dies with it. Prints one line describing the server, then
 * blocks until killed.
 */
public final class InfraParentMain {

    private InfraParentMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "kafka": {
                KafkaBroker broker = KafkaBroker.start(Path.of(args[1]), 0);
                System.out.println("KAFKA " + broker.pid() + " " + broker.port());
                break;
            }
            case "postgres": {
                PostgresServer pg = PostgresServer.start();
                System.out.println("POSTGRES " + pg.pid() + " " + pg.port() + " " + pg.dataDir());
                break;
            }
            default:
                throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
