package io.hyperai.execution.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.hyperai.execution.config.ExecutionConfig;

/**
 * The pod (and, for a workspace, the Service) of an execution. Locked down: non-root, no privilege escalation, no
 * capabilities, seccomp RuntimeDefault, no service-account token, no host paths, no service links. Shared claims are
 * mounted read-only only. {@code /hyperai/home} is the execution's own claim ({@link HomeSave#claim}): its capacity is
 * the disk limit and it outlives the pod, so the home is saved by {@link HomeSave}'s pod after any ending, with
 * nothing of the save in this pod for user code to skip or abuse.
 */
public final class PodFactory {

    public static final String LABEL_EXECUTION = "hyperai.io/execution-id";
    static final String TOKEN_ARGUMENT = "--NotebookApp.token=";
    public static final String LABEL_GEAR = "hyperai.io/gear-id";
    public static final String LABEL_USER = "hyperai.io/user-id";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    /** Which of the service's pods: {@value #COMPONENT} (user code) or {@value HomeSave#COMPONENT}. */
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGER = "hyperai-execution-service";
    public static final String COMPONENT = "execution";
    public static final String HOME = "/hyperai/home";
    /** {@code $HOME}, an emptyDir: nothing put there outside the working directory survives the execution. */
    public static final String USER_HOME = "/home/hyperai";
    public static final String SHM = "/dev/shm";
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    /** Without GPUs: an image built for the NVIDIA runtime would otherwise be given every GPU of the node. */
    public static final EnvVar NO_GPUS = new EnvVar("NVIDIA_VISIBLE_DEVICES", "void", null);

    private final ExecutionConfig config;

    public PodFactory(ExecutionConfig config) {
        this.config = config;
    }

    public static String podName(String executionId) {
        return "exec-" + executionId;
    }

    public Pod pod(Launch launch) {
        Launch.Resources r = launch.resources();
        boolean gpu = r.gpuCount() > 0;
        List<VolumeMount> mounts = new ArrayList<>();
        for (Launch.Mount input : launch.inputs()) {
            mounts.add(mount(input.volume(), input.mountPath(), input.subPath(), true));
        }
        mounts.add(mount("home", HOME, null, false));
        mounts.add(mount("tmp", "/tmp", null, false));
        mounts.add(mount("user-home", USER_HOME, null, false));
        mounts.add(mount("shm", SHM, null, false));

        Map<String, Quantity> limits = new LinkedHashMap<>();
        limits.put("cpu", new Quantity(String.valueOf(r.vcpu())));
        limits.put("memory", new Quantity(r.memoryMib() + "Mi"));
        // the image's writable layer, /tmp and logs: the home is on its own claim of the same size
        limits.put("ephemeral-storage", new Quantity(r.diskGib() + "Gi"));
        Map<String, Quantity> requests = new LinkedHashMap<>(limits);
        if (gpu) {
            limits.put(GPU_RESOURCE, new Quantity(String.valueOf(r.gpuCount())));
        }
        List<EnvVar> env = new ArrayList<>(List.of(new EnvVar("HOME", USER_HOME, null),
                new EnvVar("HYPERAI_EXECUTION_ID", launch.executionId(), null)));
        if (!gpu) {
            env.add(NO_GPUS);
        }
        ContainerBuilder main = new ContainerBuilder()
                .withName("main")
                .withImage(launch.image())
                .withWorkingDir(HOME)
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withNewResources().withLimits(limits).withRequests(requests).endResources()
                .withSecurityContext(lockedDown(false));
        if (launch.isJupyter()) {
            main.withCommand("jupyter", "notebook", "--ip=0.0.0.0", "--port=" + config.jupyterPort(), "--no-browser",
                    TOKEN_ARGUMENT + launch.jupyterToken(),
                    "--NotebookApp.base_url=/executions/" + launch.executionId() + "/",
                    "--notebook-dir=" + HOME)
                    .addNewPort().withName("jupyter").withContainerPort(config.jupyterPort()).endPort()
                    // RUNNING means the workspace answers (PodStatusInterpreter waits for Ready): Jupyter's version
                    // endpoint is the one that needs no token
                    .withNewReadinessProbe().withNewHttpGet().withPath("/executions/" + launch.executionId() + "/api")
                    .withPort(new IntOrString("jupyter")).endHttpGet().withPeriodSeconds(1).withFailureThreshold(1)
                    .endReadinessProbe();
        } else {
            main.withCommand("/bin/sh", "-c", launch.entryCommand());
        }

        List<Toleration> tolerations = new ArrayList<>();
        if (gpu) {
            tolerations.add(new TolerationBuilder().withKey(GPU_RESOURCE).withOperator("Exists")
                    .withEffect("NoSchedule").build());
        }
        return new PodBuilder()
                .withNewMetadata()
                .withName(podName(launch.executionId()))
                .withNamespace(config.namespace())
                .withLabels(labels(launch))
                .addToAnnotations("hyperai.io/mode", launch.mode())
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(launch.isJupyter() ? 60L : 30L)
                .withSecurityContext(podSecurity(config))
                .withNodeSelector(launch.nodeSelector() == null ? Map.of() : launch.nodeSelector())
                .withTolerations(tolerations)
                .withInitContainers(seed(launch))
                .withContainers(main.build())
                .withVolumes(volumes(launch))
                .endSpec()
                .build();
    }

    private List<Volume> volumes(Launch launch) {
        List<Volume> volumes = new ArrayList<>();
        volumes.add(claim("home", HomeSave.claimName(launch.executionId()), false));
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir()
                .withSizeLimit(new Quantity(config.tmpSize())).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName("user-home").withNewEmptyDir()
                .withSizeLimit(new Quantity(config.tmpSize())).endEmptyDir().build());
        // tmpfs pages are charged to the container's memory: at most half of it, so data loaders leave room
        volumes.add(new VolumeBuilder().withName("shm").withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(new Quantity(shmMib(launch.resources()) + "Mi")).endEmptyDir().build());
        Set<String> shared = new LinkedHashSet<>();
        launch.inputs().forEach(m -> shared.add(m.volume()));
        if (launch.home() != null) {
            shared.add(launch.home().volume());
        }
        if (launch.codePath() != null) {
            shared.add("code");
        }
        for (String name : shared) {
            volumes.add(claim(name, sharedClaim(name), true));
        }
        return volumes;
    }

    static int shmMib(Launch.Resources resources) {
        return Math.max(64, resources.memoryMib() / 2);
    }

    /** The home starts as the saved working directory it continues, plus the uploaded code. */
    private List<Container> seed(Launch launch) {
        if (launch.home() == null && launch.codePath() == null) {
            return List.of();
        }
        List<VolumeMount> mounts = new ArrayList<>(List.of(mount("home", HOME, null, false)));
        StringBuilder script = new StringBuilder("set -e");
        if (launch.home() != null) {
            mounts.add(mount(launch.home().volume(), "/seed/home", launch.home().subPath(), true));
            script.append("\ncp -a /seed/home/. ").append(HOME).append('/');
        }
        if (launch.codePath() != null) {
            mounts.add(mount("code", "/seed/code", launch.codePath(), true));
            script.append("\ncp -a /seed/code/. ").append(HOME).append('/');
        }
        return List.of(helper("seed-home", config.helperImage(), script.toString(), mounts));
    }

    private String sharedClaim(String volume) {
        return switch (volume) {
            case "warehouse" -> config.warehouseClaim();
            case "workdirs" -> config.workdirsClaim();
            case "code" -> config.codeClaim();
            default -> throw new IllegalArgumentException("no shared volume " + volume);
        };
    }

    /** The token a workspace pod's Jupyter was started with; empty for any other pod. */
    public static Optional<String> jupyterToken(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return Optional.empty();
        }
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getCommand() == null ? java.util.stream.Stream.<String>empty() : c.getCommand().stream())
                .filter(arg -> arg.startsWith(TOKEN_ARGUMENT)).map(arg -> arg.substring(TOKEN_ARGUMENT.length()))
                .filter(token -> !token.isEmpty()).findFirst();
    }

    /** The workspace's Service: only the Jupyter port, only this pod. */
    public Service service(Launch launch) {
        return new ServiceBuilder()
                .withNewMetadata().withName(podName(launch.executionId())).withNamespace(config.namespace())
                .withLabels(labels(launch)).endMetadata()
                .withNewSpec()
                .withSelector(Map.of(LABEL_EXECUTION, launch.executionId()))
                .addNewPort().withName("jupyter").withPort(config.jupyterPort())
                .withTargetPort(new IntOrString(config.jupyterPort())).endPort()
                .endSpec().build();
    }

    private static Map<String, String> labels(Launch launch) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_MANAGED_BY, MANAGER);
        labels.put(LABEL_COMPONENT, COMPONENT);
        labels.put(LABEL_EXECUTION, launch.executionId());
        labels.put(LABEL_GEAR, labelValue(launch.gearId()));
        labels.put(LABEL_USER, labelValue(launch.ownerId()));
        return labels;
    }

    /** Label values: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
    static String labelValue(String value) {
        String v = value.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (v.length() > 63) {
            v = v.substring(0, 63);
        }
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    /** A platform container (seeding, saving): the helper image, small fixed resources, a read-only root. */
    static Container helper(String name, String image, String script, List<VolumeMount> mounts) {
        return new ContainerBuilder().withName(name).withImage(image)
                .withCommand("/bin/sh", "-c", script).withVolumeMounts(mounts)
                .withEnv(NO_GPUS)
                .withResources(helperResources())
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(lockedDown(true)).build();
    }

    private static ResourceRequirements helperResources() {
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"),
                        "ephemeral-storage", new Quantity("16Mi")))
                .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("256Mi"),
                        "ephemeral-storage", new Quantity("64Mi")))
                .build();
    }

    static PodSecurityContext podSecurity(ExecutionConfig config) {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(config.runAsUser()).withRunAsGroup(config.runAsUser())
                .withFsGroup(config.runAsUser())
                // a home of millions of files is not walked at every mount, only when its root is not ours yet
                .withFsGroupChangePolicy("OnRootMismatch")
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    static SecurityContext lockedDown(boolean readOnlyRoot) {
        Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
        return new SecurityContextBuilder().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                .withPrivileged(false).withCapabilities(none).withReadOnlyRootFilesystem(readOnlyRoot)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
    }

    static Volume claim(String name, String claim, boolean readOnly) {
        return new VolumeBuilder().withName(name).withNewPersistentVolumeClaim(claim, readOnly).build();
    }

    static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withSubPath(subPath)
                .withReadOnly(readOnly).build();
    }
}
