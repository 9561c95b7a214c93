package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The recommended labels (part-of, instance, managed-by, and version on everything of the base), the release's
 * version written once: the project version is the services' image tag and the version label, and appears in
 * deploy/ only in deploy/base/kustomization.yaml.
 */
class LabelsAndReleaseTest {

    static List<Rendered> overlays() {
        return Rendered.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectCarriesTheRecommendedLabels(Rendered render) {
        String instance = render == Rendered.DEV ? "hyperai-dev" : "hyperai";
        for (HasMetadata o : render.objects()) {
            String id = o.getKind() + " " + o.getMetadata().getName();
            assertThat(o.getMetadata().getLabels()).as(id).containsEntry("app.kubernetes.io/part-of", "hyperai")
                    .containsEntry("app.kubernetes.io/instance", instance)
                    .containsEntry("app.kubernetes.io/managed-by", "kustomize");
        }
        for (HasMetadata o : Rendered.BASE.objects()) {
            assertThat(o.getMetadata().getLabels()).as(o.getKind() + " " + o.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/version", Repo.IMAGE_TAG);
        }
        for (Deployment d : render.all(Deployment.class)) {
            Map<String, String> pod = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(pod).as(d.getMetadata().getName() + " pods").containsEntry("app.kubernetes.io/instance", instance)
                    .containsEntry("app.kubernetes.io/version", Repo.IMAGE_TAG)
                    .containsKey("app.kubernetes.io/name");
            // selectors stay stable across releases: no version or instance in them
            assertThat(d.getSpec().getSelector().getMatchLabels()).containsOnlyKeys("app.kubernetes.io/name");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theImagesAreTheReleasesVersion(Rendered render) {
        for (String service : Repo.SERVICES) {
            Container c = render.deployment(service).getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(c.getImage()).isEqualTo(Repo.image(service)).endsWith(":" + render.deployment(service)
                    .getMetadata().getLabels().get("app.kubernetes.io/version"));
        }
    }

    @Test
    void theVersionIsWrittenInOnePlace() throws IOException {
        Pattern version = Pattern.compile("(?<![\\w.-])" + Pattern.quote(Repo.IMAGE_TAG) + "(?![\\w.-])");
        try (Stream<Path> files = Files.walk(Repo.DEPLOY)) {
            List<Path> holding = files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json"))
                    .filter(p -> version.matcher(Kustomize.read(p)).find()).toList();
            assertThat(holding).containsExactly(Repo.DEPLOY.resolve("base/kustomization.yaml"));
        }
    }
}
