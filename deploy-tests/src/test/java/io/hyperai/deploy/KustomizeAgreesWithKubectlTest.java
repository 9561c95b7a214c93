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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;

/**
 * The test renderer against real kustomize: where a kubectl with kustomize v5 is on the PATH (this project's build
 * machines have Google Cloud SDK's kubectl 1.32, kustomize v5.5.0; Debian's kubectl 1.20 has kustomize v2.0.3,
 * which knows neither components nor labels and is skipped), {@code kubectl kustomize} of base and both overlays
 * must give exactly the objects Kustomize.java gives; and so must this module's fixture of the selectors the
 * renderer labels (src/test/resources/kustomize/selectors).
 */
class KustomizeAgreesWithKubectlTest {

    static List<String> kustomizations() {
        return List.of("base", "overlays/dev", "overlays/prod");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kubectlKustomizeRendersTheSameObjects(String dir) throws Exception {
        rendersAsKubectlDoes(dir, Repo.DEPLOY.resolve(dir));
    }

    /**
     * The selector fields the renderer labels besides a Deployment's and a Service's (pod affinity and
     * anti-affinity terms, topology spread constraints, PodDisruptionBudgets), with and without matchLabels: a
     * fixture of this module, so the renderer is checked on cases deploy/ does not use too.
     */
    @Test
    void kubectlKustomizeLabelsTheSameSelectors() throws Exception {
        rendersAsKubectlDoes("the selectors fixture", SELECTORS);
    }

    /** Without kubectl too: the fixture's selectors with matchLabels are labelled, the others are left alone. */
    @Test
    void theRendererLabelsOnlySelectorsThatHaveMatchLabels() throws Exception {
        Map<String, Object> byName = new TreeMap<>();
        for (Kustomize.Resource r : Kustomize.render(SELECTORS)) {
            byName.put(r.kind() + " " + r.name(), r.object());
        }
        JsonNode deployment = Kustomize.JSON.valueToTree(byName.get("Deployment one-app"));
        JsonNode pod = deployment.at("/spec/template/spec");
        String name = "app.kubernetes.io/name";
        assertThat(deployment.at("/spec/selector/matchLabels/" + name.replace("/", "~1")).asText()).isEqualTo("one");
        for (String labelled : List.of("/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/"
                + "podAffinityTerm/labelSelector/matchLabels",
                "/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/0/labelSelector/matchLabels",
                "/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm/"
                        + "labelSelector/matchLabels",
                "/topologySpreadConstraints/0/labelSelector/matchLabels")) {
            assertThat(pod.at(labelled).get(name)).as(labelled).isNotNull();
        }
        for (String untouched : List.of("/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/1/"
                + "podAffinityTerm/labelSelector",
                "/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0/labelSelector",
                "/topologySpreadConstraints/1/labelSelector")) {
            assertThat(pod.at(untouched).has("matchLabels")).as(untouched).isFalse();
        }
        assertThat(Kustomize.JSON.valueToTree(byName.get("PodDisruptionBudget one-app")).at("/spec/selector"))
                .isEqualTo(Kustomize.JSON.readTree("{\"matchLabels\":{\"app.kubernetes.io/name\":\"one\"}}"));
        assertThat(Kustomize.JSON.valueToTree(byName.get("PodDisruptionBudget one-app-without-match-labels"))
                .at("/spec/selector").has("matchLabels")).isFalse();
        assertThat(Kustomize.JSON.valueToTree(byName.get("PodDisruptionBudget one-app-without-selector"))
                .at("/spec").has("selector")).isFalse();
    }

    static final Path SELECTORS = fixture("kustomize/selectors");

    static Path fixture(String name) {
        try {
            return Path.of(KustomizeAgreesWithKubectlTest.class.getResource("/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rendersAsKubectlDoes(String name, Path root) throws Exception {
        String version = run("kubectl", "version", "--client");
        Matcher kustomize = Pattern.compile("Kustomize Version: v(\\d+)").matcher(version == null ? "" : version);
        assumeTrue(kustomize.find() && Integer.parseInt(kustomize.group(1)) >= 5,
                "no kubectl with kustomize v5 on the PATH: " + version);
        String rendered = run("kubectl", "kustomize", root.toString());
        assertThat(rendered).as("kubectl kustomize " + name).isNotNull();
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
        assertThat(ours.keySet()).as(name + ": the objects").containsExactlyElementsOf(theirs.keySet());
        for (String id : ours.keySet()) {
            // compared as JSON trees: key order and YAML styles do not matter, values and types do
            JsonNode mine = Kustomize.JSON.valueToTree(ours.get(id));
            JsonNode kubectl = Kustomize.JSON.valueToTree(theirs.get(id));
            assertThat(mine).as(name + ": " + id).isEqualTo(kubectl);
        }
        System.out.printf("kubectl kustomize %s: %d objects, the same as the test renderer's%n", name, ours.size());
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
