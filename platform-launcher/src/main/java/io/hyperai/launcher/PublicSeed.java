package io.hyperai.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public dataset of the platform document's example, {@code hyperai/cifar-100} with versions 1 and 2 (a few small
 * files: the class names, not the images), owned by the realm's {@code hyperai} account, so that binding it at
 * {@code /hyperai/input/input0} works as written. Idempotent: each start completes what an earlier one left undone.
 */
final class PublicSeed {

    static final String OWNER = "hyperai";
    static final String NAME = "cifar-100";
    private static final String BOUNDARY = "hyperai-seed";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");
    static final String FINE = String.join("\n", "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee",
            "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
            "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab",
            "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
            "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
            "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter",
            "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
            "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk",
            "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table",
            "tank", "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe",
            "whale", "willow_tree", "wolf", "woman", "worm") + "\n";
    static final String COARSE = String.join("\n", "aquatic_mammals", "fish", "flowers", "food_containers",
            "fruit_and_vegetables", "household_electrical_devices", "household_furniture", "insects",
            "large_carnivores", "large_man-made_outdoor_things", "large_natural_outdoor_scenes",
            "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates", "people", "reptiles",
            "small_mammals", "trees", "vehicles_1", "vehicles_2") + "\n";
    private static final String README = "# CIFAR-100 (class names)\n\nThe 100 fine and 20 coarse class names of"
            + " CIFAR-100 (Krizhevsky, 2009), as a small public dataset to bind in examples.\n";
    /** What each version holds: version 2 adds the coarse classes. */
    static final List<Map<String, String>> VERSIONS = List.of(
            Map.of("README.md", README, "fine_label_names.txt", FINE),
            Map.of("README.md", README, "fine_label_names.txt", FINE, "coarse_label_names.txt", COARSE));

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String warehouse;
    private final String tokenUrl;

    PublicSeed(String warehouse, String tokenUrl) {
        this.warehouse = warehouse;
        this.tokenUrl = tokenUrl;
    }

    /** Seeds what is missing; a failure is reported, never fatal to the platform. */
    static void run(UpContext ctx) {
        if (!ctx.opt.runs(Component.WAREHOUSE) || !ctx.opt.runs(Component.KEYCLOAK)) {
            return;
        }
        try {
            new PublicSeed(ServiceEnv.baseUrl(ctx.port(Component.WAREHOUSE)),
                    Keycloak.tokenUrl(ctx.port(Component.KEYCLOAK))).seed();
        } catch (IOException | RuntimeException e) {
            ctx.say("  the public dataset " + OWNER + "/" + NAME + " was not seeded: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void seed() throws IOException, InterruptedException {
        String token = token();
        HttpResponse<String> published = send(token, get("/api/v1/public/datasets/" + OWNER + "/" + NAME));
        if (published.statusCode() == 200 && published.body().contains("\"latestVersion\":" + VERSIONS.size())) {
            return;
        }
        String id = ownDataset(token);
        HttpResponse<String> versions = expect(200, send(token, get("/api/v1/datasets/" + id + "/versions")));
        Matcher total = TOTAL.matcher(versions.body());
        for (int n = total.find() ? Integer.parseInt(total.group(1)) : 0; n < VERSIONS.size(); n++) {
            expect(201, send(token, HttpRequest.newBuilder(URI.create(warehouse + "/api/v1/datasets/" + id
                    + "/versions")).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(VERSIONS.get(n))))));
        }
        expect(200, send(token, HttpRequest.newBuilder(URI.create(warehouse + "/api/v1/datasets/" + id))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"visibility\":\"public\",\"tags\":[\"vision\",\"classification\",\"example\"]}"))));
    }

    private String ownDataset(String token) throws IOException, InterruptedException {
        HttpResponse<String> mine = expect(200, send(token, get("/api/v1/datasets?size=100")));
        Matcher item = Pattern.compile("\\{\"id\"\\s*:\\s*\"([^\"]+)\"[^{}]*\"name\"\\s*:\\s*\"" + NAME + "\"")
                .matcher(mine.body());
        if (item.find()) {
            return item.group(1);
        }
        HttpResponse<String> created = expect(201, send(token, HttpRequest.newBuilder(
                URI.create(warehouse + "/api/v1/datasets")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + NAME + "\",\"description\":\"The class"
                        + " names of CIFAR-100, the example of the platform document\"}"))));
        Matcher id = ID.matcher(created.body());
        if (!id.find()) {
            throw new IOException("the warehouse created the dataset without an id");
        }
        return id.group(1);
    }

    private String token() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=hyperai-cli&username=" + OWNER + "&password="
                + URLEncoder.encode(OWNER, StandardCharsets.UTF_8);
        HttpResponse<String> answer = expect(200, http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()));
        Matcher token = TOKEN.matcher(answer.body());
        if (!token.find()) {
            throw new IOException("no access token for " + OWNER);
        }
        return token.group(1);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(warehouse + path)).GET();
    }

    private HttpResponse<String> send(String token, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return http.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(response.request().method() + " " + response.uri().getPath() + " answered "
                    + response.statusCode());
        }
        return response;
    }

    static byte[] multipart(Map<String, String> files) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(f -> {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
                    + f.getKey() + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(f.getValue().getBytes(StandardCharsets.UTF_8));
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }
}
