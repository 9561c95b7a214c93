package io.hyperai.execution.runtime;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.hyperai.execution.config.ExecutionConfig;

/**
 * An execution's home and how it is saved. The home is a claim of its own ({@code home-<id>}, sized to the spec's
 * disk: its capacity is the disk limit), which outlives the execution's pod whatever ended it. Once that pod is gone,
 * a platform pod ({@code save-<id>}) mounts the claim read-only and the working-directories volume at
 * {@code subPath=<id>} and copies, never more than the disk limit; then the claim is deleted.
 */
public final class HomeSave {

    public static final String COMPONENT = "home-save";
    /** On a save pod (which has no {@link PodFactory#LABEL_EXECUTION}: it is not the execution's container). */
    public static final String LABEL_SAVES = "hyperai.io/saves";
    /** Exit code of a save that stopped at the disk limit (what the home held beyond it is not saved). */
    public static final int OVER_LIMIT = 3;
    static final String SOURCE = PodFactory.HOME;
    static final String TARGET = "/hyperai/save";

    private final ExecutionConfig config;

    public HomeSave(ExecutionConfig config) {
        this.config = config;
    }

    public static String claimName(String executionId) {
        return "home-" + executionId;
    }

    public static String podName(String executionId) {
        return "save-" + executionId;
    }

    public PersistentVolumeClaim claim(Launch launch) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claimName(launch.executionId())).withNamespace(config.namespace())
                .withLabels(Map.of(PodFactory.LABEL_MANAGED_BY, PodFactory.MANAGER,
                        PodFactory.LABEL_EXECUTION, launch.executionId(),
                        PodFactory.LABEL_USER, PodFactory.labelValue(launch.ownerId())))
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(config.homeStorageClass().orElse(null))
                .withNewResources().withRequests(Map.of("storage", new Quantity(launch.resources().diskGib() + "Gi")))
                .endResources()
                .endSpec().build();
    }

    /** The disk limit a claim was made with: what its save may write at most. */
    public static long limitBytes(PersistentVolumeClaim claim) {
        Quantity size = claim.getSpec().getResources().getRequests().get("storage");
        return Quantity.getAmountInBytes(size).toBigInteger().min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    public Pod pod(String executionId, long limitBytes) {
        return new PodBuilder()
                .withNewMetadata().withName(podName(executionId)).withNamespace(config.namespace())
                .withLabels(Map.of(PodFactory.LABEL_MANAGED_BY, PodFactory.MANAGER,
                        PodFactory.LABEL_COMPONENT, COMPONENT, LABEL_SAVES, executionId))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                // a save that cannot finish (a volume that never attaches, a hung mount) ends as partly saved
                .withActiveDeadlineSeconds(config.saveDeadline().toSeconds())
                .withSecurityContext(PodFactory.podSecurity(config))
                .withContainers(PodFactory.helper("save", config.helperImage(), script(SOURCE, TARGET, limitBytes),
                        List.of(PodFactory.mount("home", SOURCE, null, true),
                                PodFactory.mount("workdirs", TARGET, executionId, false))))
                .withVolumes(PodFactory.claim("home", claimName(executionId), true),
                        PodFactory.claim("workdirs", config.workdirsClaim(), false))
                .endSpec().build();
    }

    /**
     * Copies {@code source} into {@code target}, replacing what an earlier attempt left there. tar reads the tree
     * without following links; head passes at most {@code limit} bytes of that stream (headers included), so no
     * more than the limit reaches the target whatever the source holds (sparse files, hard links, millions of
     * entries: each costs at least a 512-byte header). A byte left after the limit means the copy was cut.
     */
    static String script(String source, String target, long limit) {
        return """
                rm -rf -- %2$s/* %2$s/.[!.]* %2$s/..?*
                set -- $(tar -C %1$s -cf - . | { head -c %3$d | tar -C %2$s -xf - >&2; echo $?; head -c 1 | wc -c; })
                if [ "$2" -ne 0 ]; then
                  echo "the home holds more than the disk limit of %3$d bytes: saved up to it" >&2
                  exit %4$d
                fi
                if [ "$1" -ne 0 ]; then
                  echo "writing the saved copy failed" >&2
                  exit 1
                fi
                """.formatted(source, target, limit, OVER_LIMIT);
    }
}
