package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * The prod profile of every service against the manifests: each variable a {@code %prod} property requires
 * (a {@code ${NAME}} with no default) is set in the service's container, from its ConfigMap or its Secret, and
 * every local default that names an address or a credential has a {@code %prod} counterpart, so a packaged
 * service never falls back to localhost or a development password.
 */
class ProdProfileTest {

    static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
    static final Pattern LOCAL_DEFAULT = Pattern.compile("localhost|127\\.0\\.0\\.1|\\.platform");

    static Iterable<Rendered> renders() {
        return Rendered.all();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everyVariableTheProdProfileRequiresIsSetInTheContainer(Rendered render) {
        for (String service : Repo.SERVICES) {
            Set<String> required = requiredInProd(service);
            assertThat(required).as(service + " reads its database, broker and issuer from the environment")
                    .contains("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_PASSWORD", "KAFKA_BOOTSTRAP_SERVERS",
                            "QUARKUS_OIDC_AUTH_SERVER_URL", "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET");
            Set<String> provided = provided(render, service);
            System.out.printf("%s %s: prod requires %d variables, the container has %d%n", render, service,
                    required.size(), provided.size());
            assertThat(provided).as(render + ": " + service + " container environment").containsAll(required);
        }
    }

    @Test
    void noLocalAddressOrCredentialSurvivesIntoProd() {
        for (String service : Repo.SERVICES) {
            Properties props = Repo.properties(Repo.applicationPropertiesText(service));
            for (String key : props.stringPropertyNames()) {
                if (key.startsWith("%")) {
                    continue;
                }
                String value = props.getProperty(key);
                boolean local = LOCAL_DEFAULT.matcher(value).find();
                boolean credential = key.contains("password") || key.contains("secret");
                if (local || credential) {
                    assertThat(props.getProperty("%prod." + key))
                            .as(service + ": " + key + "=" + value + " needs a %prod value from the environment")
                            .isNotNull().doesNotContain("localhost").matches(".*\\$\\{[A-Z].*");
                }
            }
        }
    }

    /** The variables named without a default by the service's {@code %prod} properties. */
    static Set<String> requiredInProd(String service) {
        Properties props = Repo.properties(Repo.applicationPropertiesText(service));
        Set<String> names = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("%prod.")) {
                Matcher m = REQUIRED.matcher(props.getProperty(key));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** What the service's container gets: its own env entries and every key of the ConfigMaps it takes whole. */
    static Set<String> provided(Rendered render, String service) {
        Container c = render.deployment(service).getSpec().getTemplate().getSpec().getContainers().get(0);
        Set<String> names = new TreeSet<>();
        for (EnvVar e : c.getEnv()) {
            names.add(e.getName());
        }
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                Map<String, String> data = render.configMap(from.getConfigMapRef().getName()).getData();
                names.addAll(data.keySet());
            }
        }
        return names;
    }
}
