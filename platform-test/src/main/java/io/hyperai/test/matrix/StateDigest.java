package io.hyperai.test.matrix;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hyperai.test.OpenApiOperations.Operation;
import io.restassured.response.Response;

/**
 * How many resources there are, read through every JSON GET operation whose path resolves to the
 * owner's resources (or needs none): per answer the sizes of its lists, its {@code total} and its
 * top-level numbers and flags. Equal digests before and after the malformed requests show that none
 * of them created, changed or removed anything.
 */
final class StateDigest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateDigest() {
    }

    /**
     * A digest that holds still for a second (up to 30 s): events of the fixture (a stopped
     * execution's last charge, its saved working directory) may still be arriving.
     */
    static Map<String, String> settled(Requests requests, Map<String, List<Operation>> operations,
            OwnedResources owned, Principals principals) {
        AtomicReference<Map<String, String>> last = new AtomicReference<>(take(requests, operations, owned, principals));
        try {
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        Map<String, String> next = take(requests, operations, owned, principals);
                        return next.equals(last.getAndSet(next));
                    });
        } catch (ConditionTimeoutException e) {
            // still moving: the comparison afterwards will say what changed
        }
        return last.get();
    }

    static Map<String, String> take(Requests requests, Map<String, List<Operation>> operations, OwnedResources owned,
            Principals principals) {
        Map<String, String> digest = new TreeMap<>();
        operations.forEach((service, ops) -> {
            for (Operation op : ops) {
                boolean readable = op.method().equals("get") && op.produces().contains("application/json")
                        && op.parameters("query").stream().noneMatch(p -> p.required());
                if (!readable) {
                    continue;
                }
                owned.path(op).ifPresent(path -> {
                    Response r = requests.send(service, op, path, principals.tokenFor(op));
                    digest.put(service + " GET " + path, r.statusCode() + " " + summary(r.asString()));
                });
            }
        });
        return digest;
    }

    private static String summary(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.isArray()) {
                return "size=" + node.size();
            }
            StringBuilder s = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isArray()) {
                    s.append(field.getKey()).append(".size=").append(value.size()).append(' ');
                } else if (value.isNumber() || value.isBoolean()) {
                    s.append(field.getKey()).append('=').append(value.asText()).append(' ');
                }
            }
            return s.toString().trim();
        } catch (Exception e) {
            return "(not JSON, " + body.length() + " chars)";
        }
    }
}
