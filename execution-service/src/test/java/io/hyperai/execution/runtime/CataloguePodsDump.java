package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes every object the Kubernetes runtime creates (the pod, a workspace's Service, the home claim, the save
 * pod) for every compute spec of gear-service's catalogue, as a script and as a workspace, into the folder
 * {@code -Dhyperai.dump-pods} names, for {@code deploy/real-apiserver-check.sh} to submit to a real API server
 * (kubectl apply --dry-run=server). Skipped unless that property is set: the default build has no API server.
 */
class CataloguePodsDump {

    static final Path CATALOGUE = Path.of("../gear-service/src/main/resources/db/migration/V1__catalogues.sql");
    static final Pattern SPEC = Pattern.compile(
            "\\('([\\w-]+)',\\s*'(CPU|GPU)',\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(NULL|'[^']*'),\\s*\\d+,\\s*'(\\{[^']*})'\\)");

    @Test
    @EnabledIfSystemProperty(named = "hyperai.dump-pods", matches = ".+")
    void dumpEveryCatalogueSpecsObjects() throws IOException {
        Path out = Path.of(System.getProperty("hyperai.dump-pods"));
        Files.createDirectories(out);
        PodFactory pods = new PodFactory(PodFactoryTest.config());
        HomeSave saves = new HomeSave(PodFactoryTest.config());
        Matcher m = SPEC.matcher(Files.readString(CATALOGUE));
        int specs = 0;
        while (m.find()) {
            specs++;
            @SuppressWarnings("unchecked")
            Map<String, String> selector = Serialization.unmarshal(m.group(8), Map.class);
            String gpuModel = m.group(7).equals("NULL") ? null : m.group(7).replace("'", "");
            Launch.Resources resources = new Launch.Resources(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), gpuModel);
            for (String mode : List.of("SCRIPT", "JUPYTER")) {
                String id = UUID.randomUUID().toString();
                boolean jupyter = mode.equals("JUPYTER");
                Launch launch = new Launch(id, "gear-1", "alice", mode, "hyperai/pytorch:2.4-cpu-py311",
                        jupyter ? null : "python train.py", resources, selector,
                        List.of(new Launch.Mount("/hyperai/input/input0", "warehouse", "datasets/d1/v2")),
                        new Launch.Mount(PodFactory.HOME, "workdirs", UUID.randomUUID().toString()),
                        UUID.randomUUID().toString(), jupyter ? "t0ken" : null);
                List<HasMetadata> objects = new ArrayList<>(List.of(pods.pod(launch), saves.claim(launch),
                        saves.pod(id, HomeSave.limitBytes(saves.claim(launch)))));
                if (jupyter) {
                    objects.add(pods.service(launch));
                }
                StringBuilder yaml = new StringBuilder();
                for (HasMetadata o : objects) {
                    yaml.append(Serialization.asYaml(o));
                }
                Files.writeString(out.resolve(m.group(1) + "-" + mode.toLowerCase() + ".yaml"), yaml);
            }
        }
        assertThat(specs).as("compute specs in the catalogue").isGreaterThanOrEqualTo(7);
    }
}
