package io.hyperai.infra.k8s;

import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import org.jboss.logging.Logger;

/**
 * fabric8's mixed dispatcher (recorded expectations first, then the CRUD store), plus pod defaults on create and a
 * pods/log endpoint. Package-private: {@link KubernetesApiServer} is the public face.
 */
final class ApiDispatcher extends Dispatcher {

    private static final Logger LOG = Logger.getLogger(ApiDispatcher.class);

    /** Not a Kubernetes path: the fake kubelet appends log text here. */
    static final String LOG_APPEND_PREFIX = "/fake-kubelet/v1/";
    static final String PING_PATH = LOG_APPEND_PREFIX + "ping";
    static final String PING_ANSWER = "fake-kubelet-logs";

    private static final Pattern POD_LOG = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log$");
    private static final Pattern LOG_APPEND = Pattern
            .compile("^" + Pattern.quote(LOG_APPEND_PREFIX) + "namespaces/([^/]+)/pods/([^/]+)/log$");
    private static final Pattern POD = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)$");
    private static final Pattern PODS = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods$");
    private static final String NAMESPACES = "/api/v1/namespaces";

    private final ObjectMapper json = Serialization.jsonMapper();
    private final Map<ServerRequest, Queue<ServerResponse>> responses;
    private final MockDispatcher expectations;
    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final PodLogs logs = new PodLogs();
    private final Queue<PodRefusal> podRefusals = new java.util.concurrent.ConcurrentLinkedQueue<>();

    ApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        this.responses = responses;
        this.expectations = new MockDispatcher(responses);
    }

    PodLogs logs() {
        return logs;
    }

    /** A refusal the next create of a pod carrying all of {@code labels} gets, once, instead of being stored. */
    record PodRefusal(Map<String, String> labels, int code, String reason, String message) {
    }

    void refuseNextPod(PodRefusal refusal) {
        podRefusals.add(refusal);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        Queue<ServerResponse> recorded = responses.get(
                new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
        if (recorded != null && !recorded.isEmpty()) {
            return expectations.dispatch(request);
        }
        String full = request.getPath();
        int q = full.indexOf('?');
        String path = q < 0 ? full : full.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : parseQuery(full.substring(q + 1));
        try {
            switch (request.method()) {
                case GET: {
                    if (path.equals(PING_PATH)) {
                        return text(HttpURLConnection.HTTP_OK, PING_ANSWER);
                    }
                    Matcher m = POD_LOG.matcher(path);
                    if (m.matches()) {
                        return podLog(decode(m.group(1)), decode(m.group(2)), query);
                    }
                    break;
                }
                case POST: {
                    Matcher m = LOG_APPEND.matcher(path);
                    if (m.matches()) {
                        return appendLog(decode(m.group(1)), decode(m.group(2)), request.getUtf8Body());
                    }
                    m = PODS.matcher(path);
                    if (m.matches()) {
                        return createPod(request, decode(m.group(1)));
                    }
                    if (path.equals(NAMESPACES)) {
                        return createNamespace(request);
                    }
                    break;
                }
                case DELETE: {
                    MockResponse response = crud.dispatch(request);
                    Matcher m = POD.matcher(path);
                    if (m.matches() && response.code() < 300) {
                        String namespace = decode(m.group(1));
                        String name = decode(m.group(2));
                        if (!podExists(namespace, name)) {
                            logs.remove(namespace, name);
                        }
                    } else if (PODS.matcher(path).matches() && response.code() < 300) {
                        Matcher pm = PODS.matcher(path);
                        pm.matches();
                        String namespace = decode(pm.group(1));
                        logs.removeIf(namespace, name -> !podExists(namespace, name));
                    }
                    return response;
                }
                default:
                    break;
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "mock API server failed on %s %s", request.getMethod(), full);
            return status(HttpURLConnection.HTTP_INTERNAL_ERROR, "InternalError", e.toString());
        }
        return crud.dispatch(request);
    }

    @Override
    public void shutdown() {
        expectations.shutdown();
    }

    /** Like a real API server: a new pod is Pending (with its QoS class) before any node sees it. */
    private MockResponse createPod(RecordedRequest request, String namespace) {
        String body = request.getUtf8Body();
        ObjectNode pod = readObject(body);
        PodRefusal refusal = pod == null ? null : refusalFor(pod);
        if (refusal != null) {
            return status(refusal.code(), refusal.reason(), refusal.message());
        }
        if (pod != null) {
            JsonNode status = pod.path("status");
            if (status.path("phase").asText("").isEmpty()) {
                ObjectNode newStatus = status.isObject() ? (ObjectNode) status : json.createObjectNode();
                newStatus.put("phase", "Pending");
                if (newStatus.path("qosClass").asText("").isEmpty()) {
                    newStatus.put("qosClass", PodStatuses.qosClass(json.convertValue(pod, Pod.class).getSpec()));
                }
                pod.set("status", newStatus);
                body = pod.toString();
            }
        }
        MockResponse response = crud.dispatch(copyWithBody(request, body));
        if (response.code() == HttpURLConnection.HTTP_CREATED && pod != null) {
            // a new pod (possibly with the name of a deleted one) starts with an empty log
            String name = pod.path("metadata").path("name").asText("");
            if (!name.isEmpty()) {
                logs.remove(namespace, name);
            }
        }
        return response;
    }

    /** The first recorded refusal whose labels the pod carries, taken so that it answers only once. */
    private PodRefusal refusalFor(ObjectNode pod) {
        JsonNode labels = pod.path("metadata").path("labels");
        for (PodRefusal r : podRefusals) {
            boolean matches = r.labels().entrySet().stream()
                    .allMatch(l -> l.getValue().equals(labels.path(l.getKey()).asText(null)));
            if (matches && podRefusals.remove(r)) {
                return r;
            }
        }
        return null;
    }

    private MockResponse createNamespace(RecordedRequest request) {
        String body = request.getUtf8Body();
        ObjectNode ns = readObject(body);
        if (ns != null && ns.path("status").path("phase").asText("").isEmpty()) {
            ObjectNode status = ns.path("status").isObject() ? (ObjectNode) ns.get("status") : json.createObjectNode();
            status.put("phase", "Active");
            ns.set("status", status);
            body = ns.toString();
        }
        return crud.dispatch(copyWithBody(request, body));
    }

    private MockResponse podLog(String namespace, String name, Map<String, String> query) {
        MockResponse got = crud.handleGet("/api/v1/namespaces/" + namespace + "/pods/" + name);
        if (got.code() != HttpURLConnection.HTTP_OK) {
            return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "pods \"" + name + "\" not found");
        }
        JsonNode pod = readObject(got.getBody().readUtf8());
        String phase = pod == null ? "" : pod.path("status").path("phase").asText("");
        if (phase.isEmpty() || phase.equals("Pending")) {
            String container = query.getOrDefault("container",
                    pod == null ? "main" : pod.path("spec").path("containers").path(0).path("name").asText("main"));
            return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest",
                    "container \"" + container + "\" in pod \"" + name + "\" is waiting to start: ContainerCreating");
        }
        String limit = query.get("limitBytes");
        if (logs.failing(namespace, name, limit == null ? Long.MAX_VALUE : Long.parseLong(limit))) {
            return status(HttpURLConnection.HTTP_INTERNAL_ERROR, "InternalError", "the kubelet did not answer");
        }
        String text = logs.read(namespace, name);
        String tail = query.get("tailLines");
        if (tail != null) {
            text = tailLines(text, Integer.parseInt(tail));
        }
        if (limit != null) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int n = Integer.parseInt(limit);
            if (bytes.length > n) {
                text = new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
        }
        return text(HttpURLConnection.HTTP_OK, text);
    }

    private MockResponse appendLog(String namespace, String name, String text) {
        if (!podExists(namespace, name)) {
            return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "pods \"" + name + "\" not found");
        }
        logs.append(namespace, name, text == null ? "" : text);
        return text(HttpURLConnection.HTTP_OK, "");
    }

    private boolean podExists(String namespace, String name) {
        return crud.handleGet("/api/v1/namespaces/" + namespace + "/pods/" + name).code() == HttpURLConnection.HTTP_OK;
    }

    static String tailLines(String text, int lines) {
        if (lines <= 0) {
            return "";
        }
        int end = text.endsWith("\n") ? text.length() - 1 : text.length();
        int start = end;
        int found = 0;
        while (start > 0) {
            if (text.charAt(start - 1) == '\n') {
                found++;
                if (found == lines) {
                    break;
                }
            }
            start--;
        }
        return text.substring(start);
    }

    private ObjectNode readObject(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            return node instanceof ObjectNode ? (ObjectNode) node : null;
        } catch (Exception e) {
            return null; // not JSON (e.g. YAML): leave it to the CRUD dispatcher
        }
    }

    private static RecordedRequest copyWithBody(RecordedRequest request, String body) {
        return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
                new Buffer(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
    }

    private static MockResponse text(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "text/plain; charset=utf-8")
                .setBody(body);
    }

    private MockResponse status(int code, String reason, String message) {
        ObjectNode status = json.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> result = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            result.putIfAbsent(key, value);
        }
        return result;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Log text per pod, kept on the server side. */
    static final class PodLogs {
        private final Map<String, StringBuilder> byPod = new ConcurrentHashMap<>();
        /** Per pod, the byte from which reads fail. */
        private final Map<String, Long> failingFrom = new ConcurrentHashMap<>();
        private final Map<String, java.util.concurrent.atomic.AtomicInteger> failed = new ConcurrentHashMap<>();

        private static String key(String namespace, String name) {
            return namespace + "/" + name;
        }

        void append(String namespace, String name, String text) {
            StringBuilder sb = byPod.computeIfAbsent(key(namespace, name), k -> new StringBuilder());
            synchronized (sb) {
                sb.append(text);
            }
        }

        String read(String namespace, String name) {
            StringBuilder sb = byPod.get(key(namespace, name));
            if (sb == null) {
                return "";
            }
            synchronized (sb) {
                return sb.toString();
            }
        }

        /** Reads that reach past byte {@code from} of the pod's log fail; a negative {@code from}: none. */
        void failingFrom(String namespace, String name, long from) {
            if (from >= 0) {
                failingFrom.put(key(namespace, name), from);
            } else {
                failingFrom.remove(key(namespace, name));
            }
        }

        /** Whether a read of up to {@code limitBytes} fails (and is counted). */
        boolean failing(String namespace, String name, long limitBytes) {
            Long from = failingFrom.get(key(namespace, name));
            if (from == null || limitBytes <= from) {
                return false;
            }
            failed.computeIfAbsent(key(namespace, name), k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            return true;
        }

        int failed(String namespace, String name) {
            java.util.concurrent.atomic.AtomicInteger n = failed.get(key(namespace, name));
            return n == null ? 0 : n.get();
        }

        void remove(String namespace, String name) {
            byPod.remove(key(namespace, name));
        }

        void removeIf(String namespace, java.util.function.Predicate<String> podName) {
            String prefix = namespace + "/";
            byPod.keySet().removeIf(k -> k.startsWith(prefix) && podName.test(k.substring(prefix.length())));
        }
    }
}
