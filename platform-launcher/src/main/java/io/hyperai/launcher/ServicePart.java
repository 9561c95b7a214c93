package io.hyperai.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.hyperai.infra.RoundRobin;

/**
 * One of the five services as {@code up} runs it: its {@link InstancePart}s (one, or N with {@code --replicas N})
 * and, with several, a {@link RoundRobin} on the service's port in front of them. The round robin lives in the
 * launcher, which stays in the foreground for as long as the platform runs, and closes after the instances stopped.
 */
final class ServicePart extends Part {

    private final List<InstancePart> instances;
    /** Set while started with several instances; read by the stop thread. */
    private volatile RoundRobin entry;

    ServicePart(Component service, UpContext ctx, List<InstancePart> instances) {
        super(service, ctx);
        this.instances = List.copyOf(instances);
    }

    private boolean replicated() {
        return instances.size() > 1;
    }

    @Override
    String label() {
        return component.key();
    }

    @Override
    void prepare() {
        try {
            Files.createDirectories(ctx.data.resolve("warehouse"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void start() {
        instances.forEach(InstancePart::start);
        if (replicated()) {
            entry = RoundRobin.start(ctx.port(component), instances.stream().map(i -> i.instance.port()).toList(),
                    "/q/health/ready");
        }
    }

    @Override
    boolean started() {
        return entry != null || instances.stream().anyMatch(InstancePart::started);
    }

    /** Every instance answers, and so does the round robin in front of them. */
    @Override
    boolean ready() {
        return instances.stream().allMatch(InstancePart::ready)
                && (!replicated() || Http.ok(ServiceEnv.readinessUrl(ctx.port(component))));
    }

    @Override
    void becameReady() {
        if (replicated()) { // up records the service's own state; its instances' are theirs
            instances.forEach(i -> ctx.state.state(i.stateKey(), "ready"));
        }
    }

    @Override
    String failure() {
        for (InstancePart i : instances) {
            String failure = i.failure();
            if (failure != null) {
                return (replicated() ? "instance " + i.instance.number() + " " : "") + failure;
            }
        }
        return null;
    }

    /** The log of the instance that failed, else of the first. */
    @Override
    Path log() {
        return instances.stream().filter(i -> i.failure() != null).findFirst().orElse(instances.get(0)).log();
    }

    @Override
    String address() {
        return ServiceEnv.baseUrl(ctx.port(component));
    }

    @Override
    String startingDetail() {
        return replicated() ? " (round robin over instances on " + instancePorts() + ")" : "";
    }

    @Override
    String readyDetail() {
        return replicated() ? "; " + instances.size() + " instances" : "";
    }

    @Override
    String notReadyDetail() {
        InstancePart waiting = instances.stream().filter(i -> !i.ready()).findFirst().orElse(instances.get(0));
        return (replicated() ? ": " + waiting.instance.name() : "") + waiting.notReadyDetail();
    }

    /** The instances at once, each bounded, then the round robin. */
    @Override
    String stop() {
        List<String> notes = new ArrayList<>();
        List<Runnable> stops = new ArrayList<>();
        for (InstancePart i : instances) {
            if (i.started()) {
                stops.add(() -> {
                    String note = i.stop();
                    ctx.state.forgetProcess(i.stateKey());
                    ctx.state.state(i.stateKey(), "stopped");
                    synchronized (notes) {
                        // ", killed after 20 s" -> ", billing-service-2 killed after 20 s"
                        notes.add(replicated() ? note.replaceFirst("^, ", ", " + i.instance.name() + " ") : note);
                    }
                });
            }
        }
        Procs.runAll(stops);
        RoundRobin e = entry;
        entry = null;
        if (e != null) {
            e.close();
        }
        return String.join("", notes);
    }

    /** Started: one instance after the other, so that the round robin always has a live one; else the whole. */
    @Override
    List<Part> restartSteps() {
        return started() ? List.copyOf(instances) : List.of(this);
    }

    private String instancePorts() {
        return instances.stream().map(i -> Integer.toString(i.instance.port())).collect(Collectors.joining(", "));
    }
}
