package io.hyperai.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts {@link InfraParentMain} in a separate JVM with this JVM's test classpath. */
final class ParentProcess implements AutoCloseable {

    final Process process;
    final String[] line;

    private ParentProcess(Process process, String[] line) {
        this.process = process;
        this.line = line;
    }

    static ParentProcess start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(InfraParentMain.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(log.toFile())
                .start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first;
        try {
            first = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("parent JVM printed nothing; stderr:\n" + KafkaBroker.tail(log, 40), e);
        }
        if (first == null) {
            p.destroyForcibly();
            throw new IllegalStateException("parent JVM exited; stderr:\n" + KafkaBroker.tail(log, 40));
        }
        return new ParentProcess(p, first.split(" "));
    }

    /** SIGKILL, like kill -9. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
