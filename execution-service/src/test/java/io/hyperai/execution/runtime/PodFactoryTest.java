package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.hyperai.execution.config.ExecutionConfig;

/**
 * Every pod the Kubernetes runtime makes, for every kind of launch: no shared claim is writable by user code, the
 * home's save is a platform pod of its own, shared memory and /tmp are bounded, GPUs are hidden from pods without
 * them, and every container is locked down with resources set.
 */
class PodFactoryTest {

    static final String WAREHOUSE = "hyperai-warehouse";
    static final String WORKDIRS = "hyperai-workdirs";
    static final String CODE = "hyperai-code";

    static ExecutionConfig config() {
        Map<String, Object> values = new HashMap<>(Map.of("namespace", "hyperai-executions", "helperImage",
                "busybox:1.36", "warehouseClaim", WAREHOUSE, "workdirsClaim", WORKDIRS, "codeClaim", CODE,
                "runAsUser", 1000L, "jupyterPort", 8888, "tmpSize", "1Gi", "saveDeadline", Duration.ofHours(1),
                "homeStorageClass", Optional.of("fast-rwo")));
        return (ExecutionConfig) Proxy.newProxyInstance(PodFactoryTest.class.getClassLoader(),
                new Class<?>[] { ExecutionConfig.class }, (proxy, method, args) -> {
                    if (!values.containsKey(method.getName())) {
                        throw new AssertionError("PodFactory reads " + method.getName() + ", which the test lacks");
                    }
                    return values.get(method.getName());
                });
    }

    record Case(String name, Launch launch) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Script and workspace, with and without GPUs, a home to continue and uploaded code; inputs of both kinds. */
    static Stream<Case> launches() {
        List<Case> cases = new ArrayList<>();
        for (String mode : List.of("SCRIPT", "JUPYTER")) {
            for (int gpus : new int[] { 0, 2 }) {
                for (boolean home : new boolean[] { false, true }) {
                    for (boolean code : new boolean[] { false, true }) {
                        String id = UUID.randomUUID().toString();
                        List<Launch.Mount> inputs = List.of(
                                new Launch.Mount("/hyperai/input/input0", "warehouse", "datasets/d1/v2"),
                                new Launch.Mount("/hyperai/input/input1", "workdirs", UUID.randomUUID().toString()));
                        Launch launch = new Launch(id, "gear-1", "alice", mode, "hyperai/pytorch:2.4",
                                "SCRIPT".equals(mode) ? "python train.py" : null,
                                new Launch.Resources(4, 16384, 50, gpus, gpus > 0 ? "A100" : null),
                                Map.of("pool", "x"), home || code ? inputs : List.of(),
                                home ? new Launch.Mount(PodFactory.HOME, "workdirs", UUID.randomUUID().toString())
                                        : null,
                                code ? UUID.randomUUID().toString() : null,
                                "JUPYTER".equals(mode) ? "t0ken" : null);
                        cases.add(new Case(mode + " gpus=" + gpus + " home=" + home + " code=" + code, launch));
                    }
                }
            }
        }
        return cases.stream();
    }

    private final PodFactory pods = new PodFactory(config());
    private final HomeSave saves = new HomeSave(config());

    @ParameterizedTest
    @MethodSource("launches")
    void userCodeCanWriteNoSharedClaimAndTheHomeIsItsOwnClaim(Case c) {
        Pod pod = pods.pod(c.launch());
        String home = HomeSave.claimName(c.launch().executionId());
        Container main = main(pod);
        for (VolumeMount m : main.getVolumeMounts()) {
            Volume v = volume(pod, m.getName());
            if (v.getPersistentVolumeClaim() == null) {
                continue;
            }
            String claim = v.getPersistentVolumeClaim().getClaimName();
            if (claim.equals(home)) {
                assertThat(m.getMountPath()).isEqualTo(PodFactory.HOME);
                assertThat(m.getSubPath()).isNull();
            } else {
                assertThat(claim).isIn(WAREHOUSE, WORKDIRS, CODE);
                assertThat(m.getReadOnly()).as(m.getMountPath()).isTrue();
                assertThat(v.getPersistentVolumeClaim().getReadOnly()).as(claim).isTrue();
            }
        }
        // a shared claim is read-only for every container of the pod, the seeding one too
        for (Volume v : pod.getSpec().getVolumes()) {
            if (v.getPersistentVolumeClaim() != null && !v.getPersistentVolumeClaim().getClaimName().equals(home)) {
                assertThat(v.getPersistentVolumeClaim().getReadOnly()).as(v.getName()).isTrue();
            }
        }
        assertThat(main.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals(PodFactory.HOME));
        // $HOME is a fresh emptyDir, not the saved working directory: an installer's leftovers do not come back
        assertThat(main.getEnv()).anyMatch(e -> e.getName().equals("HOME") && e.getValue().equals(PodFactory.USER_HOME));
        assertThat(main.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals(PodFactory.USER_HOME))
                .singleElement().satisfies(m -> assertThat(pod.getSpec().getVolumes())
                        .filteredOn(v -> v.getName().equals(m.getName())).singleElement()
                        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull()));
        // nothing of the save in the user's container: no hook, no wrapped command
        assertThat(main.getLifecycle()).isNull();
        assertThat(String.join(" ", main.getCommand())).doesNotContain("/hyperai/.save").doesNotContain("cp ");
        if (!c.launch().isJupyter()) {
            assertThat(main.getCommand()).containsExactly("/bin/sh", "-c", "python train.py");
        }
        PersistentVolumeClaim claim = saves.claim(c.launch());
        assertThat(claim.getMetadata().getName()).isEqualTo(home);
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-rwo");
        assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("50Gi"));
        assertThat(HomeSave.limitBytes(claim)).isEqualTo(50L << 30);
    }

    @ParameterizedTest
    @MethodSource("launches")
    void theSaveIsAPodOfThePlatformThatReadsTheHomeAndWritesOnlyItsOwnDirectoryUpToTheLimit(Case c) {
        String id = c.launch().executionId();
        Pod save = saves.pod(id, 50L << 30);
        assertThat(save.getMetadata().getName()).isEqualTo(HomeSave.podName(id)).isNotEqualTo(PodFactory.podName(id));
        assertThat(save.getMetadata().getLabels()).containsEntry(PodFactory.LABEL_COMPONENT, HomeSave.COMPONENT)
                .containsEntry(HomeSave.LABEL_SAVES, id).doesNotContainKey(PodFactory.LABEL_EXECUTION);
        assertThat(save.getSpec().getContainers()).singleElement().satisfies(container -> {
            assertThat(container.getImage()).isEqualTo("busybox:1.36");
            assertThat(container.getVolumeMounts()).hasSize(2);
            VolumeMount home = container.getVolumeMounts().stream().filter(m -> m.getName().equals("home")).findFirst()
                    .orElseThrow();
            VolumeMount target = container.getVolumeMounts().stream().filter(m -> m.getName().equals("workdirs"))
                    .findFirst().orElseThrow();
            assertThat(home.getReadOnly()).isTrue();
            assertThat(volume(save, "home").getPersistentVolumeClaim().getClaimName())
                    .isEqualTo(HomeSave.claimName(id));
            assertThat(volume(save, "home").getPersistentVolumeClaim().getReadOnly()).isTrue();
            assertThat(volume(save, "workdirs").getPersistentVolumeClaim().getClaimName()).isEqualTo(WORKDIRS);
            assertThat(target.getSubPath()).isEqualTo(id);
            assertThat(target.getReadOnly()).isFalse();
            assertThat(container.getCommand().get(2)).contains("head -c " + (50L << 30));
        });
        assertThat(save.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertLockedDown(save);
    }

    @ParameterizedTest
    @MethodSource("launches")
    void sharedMemoryAndTmpAreBoundedInsideTheLimits(Case c) {
        Pod pod = pods.pod(c.launch());
        Container main = main(pod);
        Map<String, Quantity> limits = main.getResources().getLimits();
        Volume shm = volumeAt(pod, main, PodFactory.SHM);
        assertThat(shm.getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(bytes(shm.getEmptyDir().getSizeLimit())).isPositive()
                .isLessThanOrEqualTo(bytes(limits.get("memory")) / 2);
        Volume tmp = volumeAt(pod, main, "/tmp");
        assertThat(tmp.getEmptyDir().getMedium()).isNullOrEmpty();
        assertThat(bytes(tmp.getEmptyDir().getSizeLimit())).isPositive()
                .isLessThan(bytes(limits.get("ephemeral-storage")));
        assertThat(limits.get("ephemeral-storage")).isEqualTo(new Quantity("50Gi"));
    }

    @ParameterizedTest
    @MethodSource("launches")
    void gpusAreHiddenExactlyFromPodsWithoutThem(Case c) {
        Pod pod = pods.pod(c.launch());
        Container main = main(pod);
        boolean gpu = c.launch().resources().gpuCount() > 0;
        List<EnvVar> nvidia = main.getEnv().stream().filter(e -> e.getName().equals("NVIDIA_VISIBLE_DEVICES")).toList();
        if (gpu) {
            assertThat(nvidia).isEmpty(); // the device plugin decides
            assertThat(main.getResources().getLimits()).containsEntry(PodFactory.GPU_RESOURCE, new Quantity("2"));
        } else {
            assertThat(nvidia).singleElement().extracting(EnvVar::getValue).isEqualTo("void");
            assertThat(main.getResources().getLimits()).doesNotContainKey(PodFactory.GPU_RESOURCE);
        }
        // the platform's own containers never get GPUs
        for (Container helper : pod.getSpec().getInitContainers()) {
            assertThat(helper.getEnv()).contains(PodFactory.NO_GPUS);
        }
        assertThat(saves.pod(c.launch().executionId(), 1).getSpec().getContainers().get(0).getEnv())
                .contains(PodFactory.NO_GPUS);
    }

    @ParameterizedTest
    @MethodSource("launches")
    void everyContainerIsLockedDownWithResources(Case c) {
        Pod pod = pods.pod(c.launch());
        assertLockedDown(pod);
        boolean seeded = c.launch().home() != null || c.launch().codePath() != null;
        assertThat(pod.getSpec().getInitContainers()).hasSize(seeded ? 1 : 0);
        for (Container seed : pod.getSpec().getInitContainers()) {
            assertThat(seed.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(seed.getVolumeMounts()).filteredOn(m -> !m.getMountPath().equals(PodFactory.HOME))
                    .allMatch(VolumeMount::getReadOnly);
        }
        assertThat(pod.getMetadata().getLabels()).containsEntry(PodFactory.LABEL_COMPONENT, PodFactory.COMPONENT)
                .containsEntry(PodFactory.LABEL_EXECUTION, c.launch().executionId());
    }

    /** Non-root (uid 1000), no escalation, no privilege, no capabilities, seccomp, no token, no host anything. */
    @ParameterizedTest
    @MethodSource("launches")
    void aWorkspaceIsReadyWhenJupyterAnswersAndAScriptHasNoProbe(Case c) {
        Container main = main(pods.pod(c.launch()));
        if (c.launch().isJupyter()) {
            assertThat(main.getReadinessProbe().getHttpGet().getPath())
                    .isEqualTo("/executions/" + c.launch().executionId() + "/api");
            assertThat(main.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("jupyter");
        } else {
            assertThat(main.getReadinessProbe()).isNull();
        }
    }

    static void assertLockedDown(Pod pod) {
        var spec = pod.getSpec();
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        assertThat(spec.getEnableServiceLinks()).isFalse();
        assertThat(spec.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getVolumes()).allMatch(v -> v.getHostPath() == null);
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(spec.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        List<Container> all = new ArrayList<>(spec.getContainers());
        all.addAll(spec.getInitContainers());
        for (Container c : all) {
            var sc = c.getSecurityContext();
            assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
            assertThat(sc.getRunAsUser()).as(c.getName()).isNull(); // the pod's uid 1000, never root
            assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(sc.getPrivileged()).as(c.getName()).isFalse();
            assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
            assertThat(sc.getSeccompProfile().getType()).as(c.getName()).isEqualTo("RuntimeDefault");
            assertThat(c.getResources().getLimits()).as(c.getName()).containsKeys("cpu", "memory", "ephemeral-storage");
            assertThat(c.getResources().getRequests()).as(c.getName()).containsKeys("cpu", "memory",
                    "ephemeral-storage");
        }
    }

    private static Container main(Pod pod) {
        assertThat(pod.getSpec().getContainers()).hasSize(1);
        return pod.getSpec().getContainers().get(0);
    }

    private static Volume volume(Pod pod, String name) {
        return pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Volume volumeAt(Pod pod, Container container, String path) {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
        return volume(pod, mount.getName());
    }

    private static long bytes(Quantity q) {
        return Quantity.getAmountInBytes(q).longValueExact();
    }
}
