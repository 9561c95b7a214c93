package io.hyperai.execution.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.execution")
public interface ExecutionConfig {

    /**
     * The Kubernetes API to run pods on. Quarkus fixes its own client's URL at build time, so the
     * service builds its client from this at run time; empty means in-cluster or kubeconfig.
     */
    Optional<String> apiServerUrl();

    /** {@code kubernetes} (pods), or {@code local}: processes on this machine, sandboxed with bubblewrap. */
    @WithDefault("kubernetes")
    String runtime();

    /** Where uploaded code is kept (the code volume the pods mount, seen from this service). */
    @WithDefault(".platform/code")
    String codeRoot();

    /** Local runtime: where each execution's directory (home, output) lives. */
    @WithDefault(".platform/executions")
    String localRoot();

    /** Local runtime: where dataset and model versions are (the warehouse's storage root). */
    @WithDefault(".platform/warehouse")
    String warehouseRoot();

    /** The namespace execution pods run in (not the platform's own). */
    @WithDefault("hyperai-executions")
    String namespace();

    /** Where users reach a workspace: {@code <base>/executions/<id>/?token=...} (an ingress routes it). */
    @WithDefault("http://localhost:8102/workspaces")
    String workspaceBaseUrl();

    /** The image of the small helper that seeds and saves working directories. */
    @WithDefault("busybox:1.36")
    String helperImage();

    /** ReadWriteMany claims the pods mount: dataset and model versions, working directories, code. */
    @WithDefault("hyperai-warehouse")
    String warehouseClaim();

    @WithDefault("hyperai-workdirs")
    String workdirsClaim();

    @WithDefault("hyperai-code")
    String codeClaim();

    @WithDefault("1000")
    long runAsUser();

    /**
     * Where this service sees the working-directories volume (the same claim the pods save into),
     * to measure what each execution saved.
     */
    @WithDefault(".platform/workdirs")
    String workdirsRoot();

    /** How long after its end an execution's saved working directory is measured (the save must finish first). */
    @WithDefault("5s")
    Duration workdirSettle();

    @WithDefault("8888")
    int jupyterPort();

    /** A full pass over every active execution, repairing what a missed watch event left wrong. */
    @WithDefault("30s")
    Duration resyncInterval();

    /**
     * A pass still running after this long is given up (logged) so the next one can start: a pass waiting forever on
     * a call that never answers would otherwise hold every later pass back ({@code SKIP} while one runs).
     */
    @WithDefault("5m")
    Duration reconcilePassTimeout();

    /** How soon after its deadline an execution with {@code maxRuntimeSeconds} is stopped (read by its {@code @Scheduled}). */
    @WithDefault("5s")
    String deadlineCheck();

    /** How long before its deadline an execution with {@code maxRuntimeSeconds} is warned ({@code execution.warned}). */
    @WithDefault("5m")
    Duration deadlineWarning();

    /** How often running workspaces with an idle policy are asked whether they are idle (IdleWatch). */
    @WithDefault("30s")
    String idleCheck();

    /** The shortest idle time a policy may set, to warn or to stop (a gear's shorter one is raised to it). */
    @WithDefault("60s")
    Duration idleMinimum();

    /** How often a follower of {@code /api/v1/notifications} is sent what is new. */
    @WithDefault("1s")
    Duration notificationsPoll();

    /** How often billing is asked which users with executions have used up their balance (ExhaustedOwnersPass). */
    @WithDefault("10s")
    String exhaustionCheck();

    /** A QUEUED execution without a pod for this long gets its pod (again). */
    @WithDefault("10s")
    Duration podCreationGrace();

    /** Local runtime: where users reach workspaces (execution-service itself, which proxies them). */
    @WithDefault("http://localhost:${quarkus.http.port}")
    String workspaceProxyUrl();

    /**
     * Local runtime: where workspaces' Jupyter sockets are, one directory per execution. A Unix socket's path may
     * not exceed 107 bytes, which a data directory a few levels deep already does, so the default is a short
     * directory of the service's own under the temporary directory, named after the local root.
     */
    Optional<String> socketRoot();

    /**
     * Local runtime: whether executions reach the internet. {@code none} by default; {@code internet} needs
     * slirp4netns, and lets user code reach whatever the host reaches except the host's loopback, so it is for a
     * machine whose other addresses serve nothing private (docs/sandbox.md).
     */
    @WithDefault("none")
    LocalEgress localEgress();

    /** Local runtime: the user-mode network helper {@code internet} egress needs. */
    @WithDefault("/usr/bin/slirp4netns")
    String slirp4netns();

    /** Local runtime: bubblewrap, without which no execution runs here. */
    @WithDefault("/usr/bin/bwrap")
    String bwrap();

    /** Local runtime: the unprivileged host uid sandboxes run as when the service runs as root. */
    @WithDefault("65534")
    long sandboxUid();

    /** Local runtime: processes and threads one execution may have (the kernel's pids limit, where cgroups allow). */
    @WithDefault("1024")
    int sandboxPidsMax();

    /** Local runtime: output kept per execution; what comes after is discarded and the truncation marked. */
    @WithDefault("67108864")
    long outputCapBytes();

    /** The tail of an ended execution's output kept in the database once its container is gone. */
    @WithDefault("1048576")
    int keptLogBytes();

    /**
     * The storage class of each execution's own home claim ({@code home-<id>}, ReadWriteOnce, sized to the spec's
     * disk); empty means the cluster's default class. It must enforce a volume's capacity (block volumes do;
     * NFS-subdir and local-path provisioners do not), since that capacity is the home's disk limit.
     */
    Optional<String> homeStorageClass();

    /** The size of an execution's {@code /tmp} (an emptyDir, counted in its ephemeral storage). */
    @WithDefault("1Gi")
    String tmpSize();

    /** How long the pod that saves an ended execution's home may run before it is given up (partly saved). */
    @WithDefault("1h")
    Duration saveDeadline();

    /** The queue executions wait in for their pool (Dispatcher). */
    Queue queue();

    /** Admission of a start from what storage's and billing's events said (AdmissionFacts). */
    Admission admission();

    interface Admission {

        /**
         * How old an owner's "allowed" (storage not blocked, balance not exhausted, monthly cap not reached) may be and
         * still admit a start without asking storage-service and billing-service; older, missing or refusing facts
         * are asked. It bounds how long a lost {@code storage.quota.exceeded} lets starts through (a lost billing
         * event costs at most an ExhaustedOwnersPass pass). Zero asks every time.
         */
        @WithDefault("5m")
        Duration maxAge();

        /**
         * A remote "allowed" counts as information from this long before the call was sent: the producer stamps an
         * event before its transaction commits, and clocks differ, so an answer read just before a refusal committed
         * must not count as newer than that refusal's event. Refusals count from when they were asked (a refusal is
         * always asked again).
         */
        @WithDefault("5s")
        Duration commitAllowance();
    }

    interface Queue {

        /**
         * The largest share of a pool one user may hold while others wait for it (the dominant share: GPUs in a GPU
         * pool); alone, a user may fill it.
         */
        @WithDefault("0.5")
        double maxShare();

        /** How often waiting executions are matched against free capacity, besides after each start and end. */
        @WithDefault("2s")
        String dispatchInterval();

        /** A script's expected running time when neither its maxRuntime nor its owner's history says more. */
        @WithDefault("1h")
        Duration expectedScriptRuntime();

        /** A workspace's expected running time when neither its maxRuntime nor its owner's history says more. */
        @WithDefault("4h")
        Duration expectedWorkspaceRuntime();

        /** How far back the owner's ended runs are read to expect a running time. */
        @WithDefault("30d")
        Duration history();

        /**
         * Local runtime: how many executions run at once; by default from the host, four per core and at most one
         * per GiB of memory (limits are enforced per execution by the kernel, not reserved).
         */
        OptionalInt localSlots();

        /**
         * Local runtime: the GPUs of this machine by model, e.g. {@code hyperai.execution.queue.local-gpus."a100-80g"=2};
         * none by default, so a GPU spec is refused here instead of running without its GPU at a GPU's price.
         */
        Map<String, Integer> localGpus();

        /**
         * Kubernetes: after the quota refuses a pod, how long its pool is held back from dispatching (doubled after
         * each refusal in a row, up to {@link #refusalHoldLongest()}; lifted when a container is removed).
         */
        @WithDefault("4s")
        Duration refusalHold();

        @WithDefault("2m")
        Duration refusalHoldLongest();

        /** Kubernetes: how long the nodes' and quota's capacity is reused before it is read again. */
        @WithDefault("10s")
        Duration capacityRefresh();
    }
}
