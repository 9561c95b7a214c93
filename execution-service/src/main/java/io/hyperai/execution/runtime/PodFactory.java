package io.hyperai.execution.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
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
 * The pod (and, for a workspace, the Service) of an execution. Locked down: non-root, no
 * privilege escalation, no capabilities, seccomp RuntimeDefault, no service-account token, no host
 * paths. {@code /hyperai/home} is an emptyDir capped at the spec's disk (the kubelet evicts a pod
 * that outgrows it), seeded from a saved working directory and saved back when the run ends.
 */
public final class PodFactory {

    public static final String LABEL_EXECUTION = "hyperai.io/execution-id";
    public static final String LABEL_GEAR = "hyperai.io/gear-id";
    public static final String LABEL_USER = "hyperai.io/user-id";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "hyperai-execution-service";
    public static final String HOME = "/hyperai/home";
    public static final String SAVE = "/hyperai/.save";
    public static final String GPU_RESOURCE = "nvidia.com/gpu";

    private final ExecutionConfig config;

    public PodFactory(ExecutionConfig config) {
        this.config = config;
    }

    public static String podName(String executionId) {
        return "exec-" + executionId;
    }

    public Pod pod(Launch launch) {
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("home").withNewEmptyDir()
                .withSizeLimit(new Quantity(launch.resources().diskGib() + "Gi")).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("1Gi"))
                .endEmptyDir().build());
        volumes.add(claim("workdirs", config.workdirsClaim(), false));
        if (!launch.inputs().isEmpty() && launch.inputs().stream().anyMatch(m -> "warehouse".equals(m.volume()))) {
            volumes.add(claim("warehouse", config.warehouseClaim(), true));
        }
        if (launch.codePath() != null) {
            volumes.add(claim("code", config.codeClaim(), true));
        }

        List<VolumeMount> mounts = new ArrayList<>();
        for (Launch.Mount input : launch.inputs()) {
            mounts.add(mount(input.volume(), input.mountPath(), input.subPath(), true));
        }
        mounts.add(mount("home", HOME, null, false));
        mounts.add(mount("tmp", "/tmp", null, false));
        mounts.add(mount("workdirs", SAVE, launch.executionId(), false));

        Map<String, Quantity> limits = new LinkedHashMap<>();
        limits.put("cpu", new Quantity(String.valueOf(launch.resources().vcpu())));
        limits.put("memory", new Quantity(launch.resources().memoryMib() + "Mi"));
        limits.put("ephemeral-storage", new Quantity(launch.resources().diskGib() + "Gi"));
        Map<String, Quantity> requests = new LinkedHashMap<>(limits);
        if (launch.resources().gpuCount() > 0) {
            limits.put(GPU_RESOURCE, new Quantity(String.valueOf(launch.resources().gpuCount())));
        }

        ContainerBuilder main = new ContainerBuilder()
                .withName("main")
                .withImage(launch.image())
                .withWorkingDir(HOME)
                .withEnv(new io.fabric8.kubernetes.api.model.EnvVar("HOME", HOME, null),
                        new io.fabric8.kubernetes.api.model.EnvVar("HYPERAI_EXECUTION_ID", launch.executionId(), null))
                .withVolumeMounts(mounts)
                .withNewResources().withLimits(limits).withRequests(requests).endResources()
                .withSecurityContext(lockedDown());
        String save = "cp -a " + HOME + "/. " + SAVE + "/ 2>/dev/null || true";
        if (launch.isJupyter()) {
            main.withCommand("jupyter", "notebook", "--ip=0.0.0.0", "--port=" + config.jupyterPort(), "--no-browser",
                    "--NotebookApp.token=" + launch.jupyterToken(),
                    "--NotebookApp.base_url=/executions/" + launch.executionId() + "/",
                    "--notebook-dir=" + HOME)
                    .addNewPort().withName("jupyter").withContainerPort(config.jupyterPort()).endPort()
                    .withNewLifecycle().withNewPreStop().withNewExec().withCommand("/bin/sh", "-c", save)
                    .endExec().endPreStop().endLifecycle();
        } else {
            // the exit code is the entry command's; the working directory is saved either way
            main.withCommand("/bin/sh", "-c", launch.entryCommand() + "\nrc=$?\n" + save + "\nexit $rc");
        }

        List<Container> init = new ArrayList<>();
        List<VolumeMount> seedMounts = new ArrayList<>(List.of(mount("home", HOME, null, false)));
        StringBuilder seed = new StringBuilder("set -e");
        if (launch.home() != null) {
            seedMounts.add(mount(launch.home().volume(), "/seed/home", launch.home().subPath(), true));
            seed.append("\ncp -a /seed/home/. ").append(HOME).append('/');
        }
        if (launch.codePath() != null) {
            seedMounts.add(mount("code", "/seed/code", launch.codePath(), true));
            seed.append("\ncp -a /seed/code/. ").append(HOME).append('/');
        }
        if (launch.home() != null || launch.codePath() != null) {
            init.add(new ContainerBuilder().withName("seed-home").withImage(config.helperImage())
                    .withCommand("/bin/sh", "-c", seed.toString()).withVolumeMounts(seedMounts)
                    .withNewResources().withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("256Mi")))
                    .endResources()
                    .withSecurityContext(lockedDown()).build());
        }

        List<Toleration> tolerations = new ArrayList<>();
        if (launch.resources().gpuCount() > 0) {
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
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(config.runAsUser()).withRunAsGroup(config.runAsUser())
                .withFsGroup(config.runAsUser())
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withNodeSelector(launch.nodeSelector() == null ? Map.of() : launch.nodeSelector())
                .withTolerations(tolerations)
                .withInitContainers(init)
                .withContainers(main.build())
                .withVolumes(volumes)
                .endSpec()
                .build();
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

    private static SecurityContext lockedDown() {
        Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
        return new SecurityContextBuilder().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                .withPrivileged(false).withCapabilities(none)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
    }

    private static Volume claim(String name, String claim, boolean readOnly) {
        return new VolumeBuilder().withName(name).withNewPersistentVolumeClaim(claim, readOnly).build();
    }

    private static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withSubPath(subPath)
                .withReadOnly(readOnly).build();
    }
}
