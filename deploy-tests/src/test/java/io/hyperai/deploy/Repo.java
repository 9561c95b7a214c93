package io.hyperai.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/** The project as the build sees it: paths, the five services and what their configuration reads. */
final class Repo {

    static final Path ROOT = Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path REALM = DEPLOY.resolve("keycloak/hyperai-realm.json");
    static final Path DASHBOARDS = DEPLOY.resolve("grafana/dashboards");
    /** The image tag a build of this project version produces (set by the pom from ${project.version}). */
    static final String IMAGE_TAG = System.getProperty("hyperai.image.tag", "0.1.0-SNAPSHOT");
    /** The group the images profile of the parent pom gives Jib (quarkus.container-image.group). */
    static final String IMAGE_GROUP = imagesProfileProperty("quarkus.container-image.group");
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

    /**
     * What Jib builds under the images profile: group/name:tag, where name and tag are Quarkus' defaults (the
     * application name and the project version) unless a service or the profile overrides them.
     */
    static String image(String module) {
        for (String override : List.of("quarkus.container-image.name", "quarkus.container-image.tag",
                "quarkus.container-image.image")) {
            if (properties(applicationPropertiesText(module)).containsKey(override)
                    || Kustomize.read(ROOT.resolve(module).resolve("pom.xml")).contains("<" + override + ">")
                    || Kustomize.read(ROOT.resolve("pom.xml")).contains("<" + override + ">")) {
                throw new AssertionError(module + " overrides " + override + ": the expected image name must follow it");
            }
        }
        String pom = Kustomize.read(ROOT.resolve(module).resolve("pom.xml"));
        if (!pom.matches("(?s).*<id>images</id>\\s*<dependencies>\\s*<dependency>\\s*<groupId>io.quarkus</groupId>"
                + "\\s*<artifactId>quarkus-container-image-jib</artifactId>.*")) {
            throw new AssertionError(module + ": no images profile adding quarkus-container-image-jib");
        }
        return IMAGE_GROUP + "/" + applicationName(module) + ":" + IMAGE_TAG;
    }

    /** A property of the images profile of the parent pom (fails when the profile does not set it). */
    static String imagesProfileProperty(String name) {
        String pom = Kustomize.read(ROOT.resolve("pom.xml"));
        java.util.regex.Matcher profile = java.util.regex.Pattern
                .compile("(?s)<profile>\\s*(?:<!--.*?-->\\s*)?<id>images</id>(.*?)</profile>").matcher(pom);
        if (!profile.find()) {
            throw new AssertionError("the parent pom has no images profile");
        }
        java.util.regex.Matcher value = java.util.regex.Pattern
                .compile("<" + java.util.regex.Pattern.quote(name) + ">([^<]+)</").matcher(profile.group(1));
        if (!value.find()) {
            throw new AssertionError("the images profile does not set " + name);
        }
        return value.group(1).trim();
    }

    /**
     * The KAFKA_* variables of the broker connection: the client settings the outbox relay reads
     * (platform-common KafkaConnection.SETTINGS) besides the bootstrap servers; Quarkus hands the same variables
     * to the channels' clients.
     */
    static List<String> kafkaConnectionVariables() {
        String source = Kustomize.read(ROOT.resolve(
                "platform-common/src/main/java/io/hyperai/common/outbox/KafkaConnection.java"));
        java.util.regex.Matcher list = java.util.regex.Pattern.compile("SETTINGS = List\\.of\\(([^)]*)\\)").matcher(source);
        if (!list.find()) {
            throw new AssertionError("KafkaConnection.SETTINGS not found");
        }
        List<String> out = new java.util.ArrayList<>(List.of("KAFKA_BOOTSTRAP_SERVERS"));
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"([a-z.]+)\"").matcher(list.group(1));
        while (key.find()) {
            out.add("KAFKA_" + key.group(1).replace('.', '_').toUpperCase());
        }
        return out;
    }

    /**
     * The environment form of every property of the service's {@code @ConfigMapping} interfaces (a method
     * {@code workspaceBaseUrl()} under prefix {@code hyperai.execution}: HYPERAI_EXECUTION_WORKSPACE_BASE_URL).
     */
    static List<String> configMappingVariables(String module) {
        List<String> out = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Kustomize.read(f);
                java.util.regex.Matcher prefix = java.util.regex.Pattern
                        .compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)").matcher(source);
                if (!prefix.find()) {
                    continue;
                }
                java.util.regex.Matcher method = java.util.regex.Pattern
                        .compile("(?m)^    [\\w<>, ]+ (\\w+)\\(\\);").matcher(source);
                while (method.find()) {
                    String kebab = method.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
                    out.add((prefix.group(1) + "." + kebab).replaceAll("[^A-Za-z0-9]", "_").toUpperCase());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The environment form of every run-time property of Quarkus core (its configuration model,
     * META-INF/quarkus-config-doc/quarkus-config-model.json of quarkus-core, e.g. QUARKUS_SHUTDOWN_TIMEOUT): what a
     * packaged service reads besides its own properties. Build-time properties are left out: set in a ConfigMap, they
     * would change nothing.
     */
    static Set<String> quarkusRuntimeVariables() {
        Set<String> out = new java.util.TreeSet<>();
        try {
            java.util.Enumeration<java.net.URL> models = Repo.class.getClassLoader()
                    .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
            while (models.hasMoreElements()) {
                try (java.io.InputStream in = models.nextElement().openStream()) {
                    collectRuntimeVariables(Kustomize.JSON.readTree(in), out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new AssertionError("no Quarkus configuration model on the test classpath (quarkus-core)");
        }
        return out;
    }

    private static void collectRuntimeVariables(com.fasterxml.jackson.databind.JsonNode node, Set<String> out) {
        if (node.isObject() && node.path("path").has("environmentVariable")
                && "RUN_TIME".equals(node.path("phase").asText())) {
            out.add(node.path("path").path("environmentVariable").asText());
        }
        node.forEach(child -> collectRuntimeVariables(child, out));
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
