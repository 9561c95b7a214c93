package io.hyperai.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** The project as the build sees it: paths, the five services and what their configuration reads. */
final class Repo {

    static final Path ROOT = Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path REALM = DEPLOY.resolve("keycloak/hyperai-realm.json");
    static final Path DASHBOARDS = DEPLOY.resolve("grafana/dashboards");
    /** The image tag a build of this project version produces (set by the pom from ${project.version}). */
    static final String IMAGE_TAG = System.getProperty("hyperai.image.tag", "0.1.0-SNAPSHOT");
    static final String IMAGE_GROUP = "hyperai";
    static final String NAMESPACE = "hyperai";
    static final String EXECUTIONS = "hyperai-executions";

    static final List<String> SERVICES = List.of("gear-service", "execution-service", "warehouse-service",
            "storage-service", "billing-service");

    private Repo() {
    }

    static Path applicationProperties(String module) {
        return ROOT.resolve(module).resolve("src/main/resources/application.properties");
    }

    static String applicationPropertiesText(String module) {
        return Kustomize.read(applicationProperties(module));
    }

    /** The defaults every service shares (platform-common). */
    static String commonConfigText() {
        return Kustomize.read(ROOT.resolve("platform-common/src/main/resources/META-INF/microprofile-config.properties"));
    }

    static Properties properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static String applicationName(String module) {
        return properties(applicationPropertiesText(module)).getProperty("quarkus.application.name");
    }

    static String image(String module) {
        return IMAGE_GROUP + "/" + applicationName(module) + ":" + IMAGE_TAG;
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
