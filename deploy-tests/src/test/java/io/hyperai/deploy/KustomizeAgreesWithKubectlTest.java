package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;

/**
 * The test renderer against real kustomize: where a kubectl with kustomize v5 is on the PATH (this project's build
 * machines have Google Cloud SDK's kubectl 1.32, kustomize v5.5.0; Debian's kubectl 1.20 has kustomize v2.0.3,
 * which knows neither components nor labels and is skipped), {@code kubectl kustomize} of base and both overlays
 * must give exactly the objects Kustomize.java gives.
 */
class KustomizeAgreesWithKubectlTest {

    static List<String> kustomizations() {
        return List.of("base", "overlays/dev", "overlays/prod");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kubectlKustomizeRendersTheSameObjects(String dir) throws Exception {
        String version = run("kubectl", "version", "--client");
        Matcher kustomize = Pattern.compile("Kustomize Version: v(\\d+)").matcher(version == null ? "" : version);
        assumeTrue(kustomize.find() && Integer.parseInt(kustomize.group(1)) >= 5,
                "no kubectl with kustomize v5 on the PATH: " + version);
        Path root = Repo.DEPLOY.resolve(dir);
        String rendered = run("kubectl", "kustomize", root.toString());
        assertThat(rendered).as("kubectl kustomize " + dir).isNotNull();
        Map<String, Map<String, Object>> theirs = new TreeMap<>();
        try (MappingIterator<Map<String, Object>> it = Kustomize.YAML
                .readerFor(new TypeReference<Map<String, Object>>() {
                }).readValues(rendered)) {
            while (it.hasNext()) {
                Map<String, Object> o = it.next();
                theirs.put(new Kustomize.Resource(o, root).id(), o);
            }
        }
        Map<String, Map<String, Object>> ours = new TreeMap<>();
        for (Kustomize.Resource r : Kustomize.render(root)) {
            ours.put(r.id(), r.object());
        }
        assertThat(ours.keySet()).as(dir + ": the objects").containsExactlyElementsOf(theirs.keySet());
        for (String id : ours.keySet()) {
            // compared as JSON trees: key order and YAML styles do not matter, values and types do
            JsonNode mine = Kustomize.JSON.valueToTree(ours.get(id));
            JsonNode kubectl = Kustomize.JSON.valueToTree(theirs.get(id));
            assertThat(mine).as(dir + ": " + id).isEqualTo(kubectl);
        }
        System.out.printf("kubectl kustomize %s: %d objects, the same as the test renderer's%n", dir, ours.size());
    }

    /** The command's standard output, or null when it cannot run or fails. */
    static String run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
