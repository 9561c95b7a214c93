package io.hyperai.test.matrix;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.hyperai.test.matrix.Requests.Body;
import io.restassured.response.Response;

/**
 * Real resources of one user, made through the public API so the isolation matrix has something of
 * hers to aim at: a dataset and a model with a version each, a gear bound to the dataset, a code
 * upload and an execution of it (started with a small top-up by the admin, then stopped, and its
 * working directory saved and measured, so nothing changes while the matrices run). Whatever cannot be made is noted, and the operations that need it
 * are then skipped by the matrices, not passed.
 */
public final class ResourceFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Requests requests;
    private final Credentials credentials;
    private final String owner;
    private final String token;
    private final OwnedResources owned;
    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> problems = new ArrayList<>();

    private ResourceFixture(Requests requests, Credentials credentials, String owner) {
        this.requests = requests;
        this.credentials = credentials;
        this.owner = owner;
        this.token = credentials.user(owner);
        this.owned = new OwnedResources(owner);
    }

    /** Makes the resources of {@code owner} on the services at {@code requests.urls()}. */
    public static ResourceFixture create(Requests requests, Credentials credentials, String owner) {
        ResourceFixture f = new ResourceFixture(requests, credentials, owner);
        String subject = subject(f.token);
        for (String collection : List.of("quotas", "accounts", "admission")) {
            f.owned.put(collection, subject);
        }
        f.item("datasets");
        f.item("models");
        f.catalogue();
        f.publicCatalogue();
        f.gear();
        f.execution();
        return f;
    }

    public OwnedResources owned() {
        return owned;
    }

    /** What could not be made, and the answer that said so. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private void item(String collection) {
        String name = owner + "-matrix-" + collection + "-" + tag;
        String id = created("warehouse", "/api/v1/" + collection, Body.json(MalformedCases.json(Map.of("name", name,
                "description", "made by the isolation matrix"))), "id");
        if (id == null) {
            return;
        }
        owned.put(collection, id).marker(id).marker(name);
        Response version = requests.send("warehouse", "post", "/api/v1/" + collection + "/" + id + "/versions", token,
                null, Body.file(), null);
        if (version.statusCode() / 100 != 2) {
            problems.add(collection + " version: " + version.statusCode() + " " + version.asString());
            return;
        }
        owned.put(collection + "/versions", version.jsonPath().getString("version"))
                .put(collection + "/versions/files", version.jsonPath().getString("files[0].path"));
    }

    /** A compute spec and an image built for its kind, the first the catalogue offers. */
    private void catalogue() {
        Response specs = requests.send("gear", "get", "/api/v1/compute-specs", token, null, null, null);
        Response images = requests.send("gear", "get", "/api/v1/images", token, null, null, null);
        if (specs.statusCode() != 200 || images.statusCode() != 200) {
            problems.add("catalogue: " + specs.statusCode() + " " + images.statusCode());
            return;
        }
        for (Map<String, Object> spec : specs.jsonPath().<Map<String, Object>>getList("")) {
            for (Map<String, Object> image : images.jsonPath().<Map<String, Object>>getList("")) {
                if (Objects.equals(spec.get("kind"), image.get("build"))) {
                    owned.shared("compute-specs", (String) spec.get("id")).hint("computeSpecId", spec.get("id"));
                    owned.shared("images", (String) image.get("id")).hint("imageId", image.get("id"));
                    return;
                }
            }
        }
        problems.add("catalogue: no image for any compute spec");
    }

    private void gear() {
        String dataset = owned.value("datasets").orElse(null);
        Object spec = owned.hints().get("computeSpecId");
        Object image = owned.hints().get("imageId");
        if (dataset == null || spec == null || image == null) {
            problems.add("gear: needs a dataset, a compute spec and an image");
            return;
        }
        String name = owner + "-matrix-gear-" + tag;
        Map<String, Object> binding = Map.of("mountPath", "/hyperai/input/input0",
                "source", Map.of("kind", "dataset", "id", dataset, "version", 1));
        String id = created("gear", "/api/v1/gears", Body.json(MalformedCases.json(Map.of("name", name,
                "computeSpecId", spec, "imageId", image, "bindings", List.of(binding)))), "id");
        if (id != null) {
            owned.put("gears", id).marker(id).marker(name);
        }
    }

    private void execution() {
        Response code = requests.send("execution", "post", "/api/v1/code", token, null, Body.file(), null);
        if (code.statusCode() / 100 != 2) {
            problems.add("code: " + code.statusCode() + " " + code.asString());
            return;
        }
        String codeId = code.jsonPath().getString("id");
        owned.put("code", codeId).marker(codeId).hint("codeId", codeId).hint("entryCommand", "python main.py");
        String gear = owned.value("gears").orElse(null);
        if (gear == null) {
            return;
        }
        String subject = subject(token);
        requests.send("billing", "post", "/api/v1/billing/accounts/" + subject + "/top-ups", credentials.admin(),
                null, Body.json(MalformedCases.json(Map.of("amountMinor", 10_000, "reference", "matrix-" + tag))),
                null);
        String id = created("execution", "/api/v1/gears/" + gear + "/executions", Body.json(MalformedCases.json(
                Map.of("mode", "script", "entryCommand", "python main.py", "codeId", codeId))), "id");
        if (id == null) {
            return;
        }
        owned.put("executions", id).marker(id);
        // a path in its saved working directory: the code it ran is copied there
        owned.put("executions/files", "main.py");
        // stopped while running (a script may also end by itself first), so it has a saved working directory
        String state = awaitState(id, List.of("RUNNING", "SUCCEEDED", "FAILED", "STOPPED"));
        if ("RUNNING".equals(state)) {
            Response stop = requests.send("execution", "post", "/api/v1/executions/" + id + "/stop", token, null, null,
                    null);
            if (stop.statusCode() != 200) {
                problems.add("stopping execution " + id + ": " + stop.statusCode() + " " + stop.asString());
                return;
            }
        } else if (state == null) {
            problems.add("execution " + id + " did not run within 60 s");
            return;
        }
        awaitSavedOutput(id);
    }

    /** Public datasets and models are everyone's to read: a catalogue, nothing of the owner's. */
    private void publicCatalogue() {
        owned.shared("public", "datasets").shared("public/{collection}", "hyperai")
                .shared("public/{collection}/{owner}", "cifar-100");
    }

    private String awaitState(String id, List<String> states) {
        try {
            return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(
                    () -> requests.send("execution", "get", "/api/v1/executions/" + id, token, null, null, null)
                            .jsonPath().getString("state"),
                    states::contains);
        } catch (ConditionTimeoutException e) {
            return null;
        }
    }

    /** Until the ended execution's working directory is saved and measured, its state still moves. */
    private void awaitSavedOutput(String id) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Response output = requests.send("execution", "get", "/internal/executions/" + id + "/output",
                        credentials.service(), null, null, null);
                return output.statusCode() == 200 && output.jsonPath().get("bytes") != null;
            });
        } catch (ConditionTimeoutException e) {
            problems.add("execution " + id + ": its output was not measured within 60 s");
        }
    }

    private String created(String service, String path, Body body, String idField) {
        Response r = requests.send(service, "post", path, token, null, body, null);
        if (r.statusCode() / 100 != 2) {
            problems.add(service + " POST " + path + ": " + r.statusCode() + " " + r.asString());
            return null;
        }
        return r.jsonPath().getString(idField);
    }

    /** The token's subject: the id the services know the user by. */
    static String subject(String token) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            return JSON.readTree(payload).path("sub").asText();
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JWT", e);
        }
    }
}
