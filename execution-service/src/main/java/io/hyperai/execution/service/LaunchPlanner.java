package io.hyperai.execution.service;

import java.util.ArrayList;
import java.util.List;

import io.hyperai.contracts.gear.GearApi.GearRuntime;
import io.hyperai.contracts.gear.GearApi.Mount;
import io.hyperai.execution.runtime.Launch;

/** Turns a gear (as gear-service resolved it) and a start request into a {@link Launch}. */
final class LaunchPlanner {

    static final String HOME = "/hyperai/home";

    private LaunchPlanner() {
    }

    static Launch plan(String executionId, GearRuntime gear, String ownerId, String mode, String entryCommand,
            String codePath, String continuedWorkdir, String jupyterToken) {
        List<Launch.Mount> inputs = new ArrayList<>();
        Launch.Mount home = continuedWorkdir == null ? null : new Launch.Mount(HOME, "workdirs", continuedWorkdir);
        for (Mount binding : gear.bindings() == null ? List.<Mount>of() : gear.bindings()) {
            Launch.Mount mount = binding.workdirPath() != null
                    ? new Launch.Mount(binding.mountPath(), "workdirs", binding.workdirPath())
                    : new Launch.Mount(binding.mountPath(), "warehouse", binding.storagePath());
            if (HOME.equals(binding.mountPath())) {
                // "continue" wins over the gear's own home binding: that is what continuing means
                home = home == null ? mount : home;
            } else {
                inputs.add(mount);
            }
        }
        var spec = gear.computeSpec();
        return new Launch(executionId, gear.id(), ownerId, mode, gear.image().imageRef(), entryCommand,
                new Launch.Resources(spec.vcpu(), spec.memoryMib(), spec.diskGib(), spec.gpuCount(), spec.gpuModel()),
                spec.nodeSelector(), List.copyOf(inputs), home, codePath, jupyterToken);
    }
}
