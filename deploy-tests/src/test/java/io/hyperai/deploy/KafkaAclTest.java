package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Kafka's ACL matrix (each service's principal x each topic x read/write), rendered from the KafkaUsers, equals the
 * matrix the code declares: a service writes the topics of the events its code appends to the outbox (EventType
 * constants, each naming its topic) and the dead-letter topics of its channels; it reads the topics of its
 * {@code mp.messaging.incoming.*} channels, in their consumer group. Each service authenticates as its own user.
 */
class KafkaAclTest {

    static final Path COMMON_EVENTS = Path.of("platform-common/src/main/java/io/hyperai/common/events");

    static List<Rendered> renders() {
        return Rendered.all();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void theAclMatrixIsWhatTheCodeProducesAndConsumes(Rendered render) {
        Map<String, String> matrix = new TreeMap<>();
        Map<String, String> declared = new TreeMap<>();
        Set<String> topics = new TreeSet<>();
        render.custom("KafkaTopic").forEach(t -> topics.add(t.get("spec", "topicName")));
        for (String service : Repo.SERVICES) {
            GenericKubernetesResource user = render.custom("KafkaUser").stream()
                    .filter(u -> u.getMetadata().getName().equals(service)).findFirst()
                    .orElseThrow(() -> new AssertionError(render + ": no KafkaUser " + service));
            assertThat(user.<String>get("spec", "authentication", "type")).isEqualTo("scram-sha-512");
            assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "hyperai");
            Set<String> groups = new TreeSet<>();
            List<Map<String, Object>> acls = user.get("spec", "authorization", "acls");
            for (Map<String, Object> acl : acls) {
                Map<?, ?> resource = (Map<?, ?>) acl.get("resource");
                assertThat(resource.get("patternType")).as(service + ": no prefix or wildcard ACL").isEqualTo("literal");
                assertThat(acl.get("host")).as("any host").isIn(null, "*");
                List<?> ops = (List<?>) acl.get("operations");
                String name = (String) resource.get("name");
                switch ((String) resource.get("type")) {
                    case "topic" -> {
                        assertThat(topics).as(name + " is a declared topic").contains(name);
                        assertThat(ops).as(service + " on " + name).isIn(List.of("Write", "Describe"),
                                List.of("Read", "Describe"));
                        matrix.merge(service + " " + name, ops.contains("Write") ? "W" : "R", KafkaAclTest::both);
                    }
                    case "group" -> {
                        assertThat(ops).isEqualTo(List.of("Read"));
                        groups.add(name);
                    }
                    default -> throw new AssertionError(service + ": ACL on " + resource + " (cluster or transactional "
                            + "rights are not needed)");
                }
            }
            Properties props = Repo.properties(Repo.applicationPropertiesText(service));
            Set<String> consumerGroups = new TreeSet<>();
            for (String key : props.stringPropertyNames()) {
                Matcher in = Pattern.compile("mp\\.messaging\\.incoming\\.([\\w-]+)\\.topic").matcher(key);
                if (in.matches()) {
                    declared.merge(service + " " + props.getProperty(key), "R", KafkaAclTest::both);
                    String channel = "mp.messaging.incoming." + in.group(1) + ".";
                    // Quarkus' default group is the application name
                    consumerGroups.add(props.getProperty(channel + "group.id", Repo.applicationName(service)));
                    String dlq = props.getProperty(channel + "dead-letter-queue.topic");
                    if ("dead-letter-queue".equals(props.getProperty(channel + "failure-strategy"))) {
                        assertThat(dlq).as(channel + " names its dead-letter topic").isNotNull();
                        declared.merge(service + " " + dlq, "W", KafkaAclTest::both);
                    }
                }
                assertThat(key).as("no outgoing channel: events leave through the outbox")
                        .doesNotStartWith("mp.messaging.outgoing.");
            }
            for (String topic : producedTopics(service)) {
                declared.merge(service + " " + topic, "W", KafkaAclTest::both);
            }
            assertThat(groups).as(service + " consumer groups").isEqualTo(consumerGroups);
            deploymentAuthenticatesAs(render, service, user);
        }
        assertThat(matrix).as(render + ": principal x topic -> R/W").isEqualTo(declared);
        // every source topic has exactly one writer: its producer
        for (String topic : topics) {
            if (!topic.endsWith(".dlq")) {
                assertThat(matrix.entrySet().stream().filter(e -> e.getKey().endsWith(" " + topic)
                        && e.getValue().equals("W")).count()).as("writers of " + topic).isLessThanOrEqualTo(1);
            }
        }
        System.out.printf("%s Kafka ACLs (service topic -> R/W): %s%n", render, matrix);
    }

    /** R and W together, in one order whichever was seen first (a service may read the topic it writes). */
    static String both(String a, String b) {
        return new TreeSet<>(List.of((a + b).split(""))).stream().reduce("", String::concat);
    }

    /** The service's container authenticates with the JAAS line of its own KafkaUser's Secret. */
    private static void deploymentAuthenticatesAs(Rendered render, String service, GenericKubernetesResource user) {
        GenericKubernetesResource kafka = render.custom("Kafka").get(0);
        String prefix = kafka.get("spec", "entityOperator", "userOperator", "secretPrefix");
        Container c = render.deployment(service).getSpec().getTemplate().getSpec().getContainers().get(0);
        EnvVar jaas = c.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG")).findFirst()
                .orElseThrow(() -> new AssertionError(service + " has no KAFKA_SASL_JAAS_CONFIG"));
        assertThat(jaas.getValueFrom().getSecretKeyRef().getName()).isEqualTo(prefix + user.getMetadata().getName());
        assertThat(jaas.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("sasl.jaas.config");
        assertThat(render.configMap(service + "-config").getData()).containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
    }

    /**
     * The topics of the EventType constants the service's code appends to its outbox (files that use the Outbox;
     * consumers, which only compare types, are not producers).
     */
    static Set<String> producedTopics(String service) {
        Map<String, String> topicOf = eventTopics();
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repo.ROOT.resolve(service).resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(f);
                Matcher append = Pattern.compile("outbox\\.append\\(\\s*EventType\\.(\\w+)").matcher(source);
                while (append.find()) {
                    out.add(topicOf.get(append.group(1)));
                }
                Matcher anyType = Pattern.compile("EventType\\.(\\w+)").matcher(source);
                if (source.contains("outbox.append(") && !source.contains("@Incoming")) {
                    while (anyType.find()) {
                        if (topicOf.containsKey(anyType.group(1))) {
                            out.add(topicOf.get(anyType.group(1)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(out).as(service + " produces events").isNotEmpty().doesNotContainNull();
        return out;
    }

    /** EventType constant -> topic name, from EventType.java and Topics.java. */
    static Map<String, String> eventTopics() {
        Map<String, String> topics = new TreeMap<>();
        Matcher t = Pattern.compile("(\\w+) = \"([\\w.-]+)\"").matcher(Kustomize.read(
                Repo.ROOT.resolve(COMMON_EVENTS).resolve("Topics.java")));
        while (t.find()) {
            topics.put(t.group(1), t.group(2));
        }
        Map<String, String> out = new TreeMap<>();
        Matcher e = Pattern.compile("(\\w+)\\(\"[\\w.-]+\", Topics\\.(\\w+),").matcher(Kustomize.read(
                Repo.ROOT.resolve(COMMON_EVENTS).resolve("EventType.java")));
        while (e.find()) {
            out.put(e.group(1), topics.get(e.group(2)));
        }
        assertThat(out).containsEntry("EXECUTION_STOPPED", "execution-events").hasSizeGreaterThan(15);
        return out;
    }
}
