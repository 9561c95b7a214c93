package io.hyperai.warehouse;

import static io.hyperai.warehouse.WarehouseFixtures.create;
import static io.hyperai.warehouse.WarehouseFixtures.newUser;
import static io.hyperai.warehouse.WarehouseFixtures.random;
import static io.hyperai.warehouse.WarehouseFixtures.sha256;
import static io.hyperai.warehouse.WarehouseFixtures.tar;
import static io.hyperai.warehouse.WarehouseFixtures.token;
import static io.hyperai.warehouse.WarehouseFixtures.upload;
import static io.hyperai.warehouse.WarehouseFixtures.zip;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.files.BlockInputStream;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.RawUpload;
import io.hyperai.test.Tokens;
import io.hyperai.warehouse.WarehouseFixtures.Entry;
import io.hyperai.warehouse.WarehouseFixtures.Part;
import io.hyperai.warehouse.files.VersionFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@QuarkusTest
class UploadTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    VersionFiles files;

    @AfterEach
    void storageBackUp() {
        StorageStandIn.current().mode(StorageStandIn.Mode.UP);
    }

    @Test
    void uploadedFilesAreListedWithSizeAndSha256AndDownloadAsUploaded() {
        String alice = token(newUser());
        String id = create(alice, "datasets", "images");
        byte[] a = "hello warehouse\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = random(3 * 1024 * 1024 + 17, 1);
        JsonPath version = upload(alice, "datasets", id, new Part("a.txt", a), new Part("nested/deep/b.bin", b))
                .then().statusCode(201).header("Location", containsString("/versions/1"))
                .body("version", equalTo(1)).body("kind", equalTo("dataset"))
                .body("totalBytes", equalTo(a.length + b.length)).body("fileCount", equalTo(2))
                .extract().jsonPath();
        assertThat(version.getList("files.path")).containsExactly("a.txt", "nested/deep/b.bin");
        assertThat(version.getList("files.sha256")).containsExactly(sha256(a), sha256(b));
        assertThat(version.getList("files.sizeBytes", Long.class)).containsExactly((long) a.length, (long) b.length);

        given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions/1").then().statusCode(200)
                .body("files.find { it.path == 'nested/deep/b.bin' }.sha256", equalTo(sha256(b)));
        given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].version", equalTo(1))
                .body("items[0].totalBytes", equalTo(a.length + b.length));

        Response download = given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions/1/files/nested/deep/b.bin");
        download.then().statusCode(200).header("ETag", "\"" + sha256(b) + "\"")
                .header("Content-Disposition", containsString("b.bin"));
        assertThat(download.asByteArray()).isEqualTo(b);
        assertThat(given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions/1/files/a.txt").asByteArray())
                .isEqualTo(a);
        given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions/1/files/missing.txt").then()
                .statusCode(404).contentType("application/problem+json");

        // what the gear and execution services see, and where the files are
        JsonPath internal = given().auth().oauth2(Tokens.service("gear-service"))
                .get("/internal/warehouse/datasets/" + id + "/versions/1").then().statusCode(200)
                .body("itemId", equalTo(id)).body("kind", equalTo("dataset")).body("version", equalTo(1))
                .body("totalBytes", equalTo(a.length + b.length))
                .body("storagePath", equalTo("datasets/" + id + "/v1")).extract().jsonPath();
        assertThat(internal.getString("ownerId")).startsWith("user-");
        // what storage-service recounts usage from
        given().auth().oauth2(Tokens.service("storage-service")).contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("ownerIds", List.of(internal.getString("ownerId"))))
                .post("/internal/warehouse/stored").then().statusCode(200)
                .body("objects.findAll { it.objectId == '" + id + "/v1' }.kind", equalTo(List.of("DATASET")))
                .body("objects.findAll { it.objectId == '" + id + "/v1' }.bytes", equalTo(List.of(a.length + b.length)));
        assertThat(files.root().resolve("datasets/" + id + "/v1/nested/deep/b.bin")).hasBinaryContent(b);
        given().auth().oauth2(Tokens.service("gear-service")).get("/internal/warehouse/models/" + id + "/versions/1")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(Tokens.service("gear-service")).get("/internal/warehouse/datasets/" + id + "/versions/2")
                .then().statusCode(404);

        // the bytes were reserved first, and the created event settles that reservation
        List<EventEnvelope> events = events(id, 1);
        WarehouseVersionCreated created = EventCodec.payload(events.get(0), WarehouseVersionCreated.class);
        assertThat(created.bytes()).isEqualTo(a.length + b.length);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.kind()).isEqualTo("dataset");
        assertThat(StorageStandIn.current().granted().get(created.reservationId()).bytes()).isEqualTo(a.length + b.length);
        assertThat(StorageStandIn.current().unauthorisedCalls()).isZero();
        assertThat(stagingLeftovers()).isEmpty();
    }

    @Test
    void versionsAreNumberedNeverReusedAndImmutable() {
        String alice = token(newUser());
        String id = create(alice, "models", "resnet");
        upload(alice, "models", id, new Part("w.bin", random(100, 2))).then().statusCode(201).body("version", equalTo(1));
        upload(alice, "models", id, new Part("w.bin", random(200, 3))).then().statusCode(201).body("version", equalTo(2));
        given().auth().oauth2(alice).delete("/api/v1/models/" + id + "/versions/2").then().statusCode(204);
        upload(alice, "models", id, new Part("w.bin", random(300, 4))).then().statusCode(201).body("version", equalTo(3));
        assertThat(given().auth().oauth2(alice).get("/api/v1/models/" + id + "/versions/1/files/w.bin").asByteArray())
                .isEqualTo(random(100, 2));
        given().auth().oauth2(alice).get("/api/v1/models/" + id + "/versions/2").then().statusCode(404);
        given().auth().oauth2(alice).get("/api/v1/models/" + id + "/versions").then().statusCode(200)
                .body("items.version", org.hamcrest.Matchers.contains(1, 3));
        // there is no way to change a version
        given().auth().oauth2(alice).contentType("application/json").body("{}")
                .put("/api/v1/models/" + id + "/versions/1").then().statusCode(405);
        assertThat(files.root().resolve("models/" + id + "/v2")).doesNotExist();
    }

    @Test
    void archivesAreUnpackedWithLinksInsideKeptAsCopies() {
        String alice = token(newUser());
        String id = create(alice, "datasets", "corpus");
        byte[] tgz = tar(true, Entry.dir("corpus"), Entry.file("corpus/train.csv", "a,b\n1,2\n"),
                Entry.file("./corpus/sub/test.csv", "a,b\n3,4\n"), Entry.symlink("corpus/latest.csv", "train.csv"),
                Entry.hardlink("corpus/sub/again.csv", "corpus/sub/test.csv"));
        JsonPath v = upload(alice, "datasets", id, new Part("corpus.tar.gz", tgz)).then().statusCode(201)
                .body("fileCount", equalTo(4)).extract().jsonPath();
        assertThat(v.getList("files.path")).containsExactly("corpus/latest.csv", "corpus/sub/again.csv",
                "corpus/sub/test.csv", "corpus/train.csv");
        assertThat(v.getLong("totalBytes")).isEqualTo(32);
        assertThat(given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions/1/files/corpus/latest.csv")
                .asString()).isEqualTo("a,b\n1,2\n");
        assertThat(Files.isSymbolicLink(files.root().resolve("datasets/" + id + "/v1/corpus/latest.csv"))).isFalse();

        byte[] plainTar = tar(false, Entry.file("x.txt", "x"));
        upload(alice, "datasets", id, new Part("one.tar", plainTar)).then().statusCode(201)
                .body("files[0].path", equalTo("x.txt"));

        byte[] zip = zip(Entry.dir("m"), Entry.file("m/config.json", "{}"), Entry.file("m/weights.bin", random(5000, 5)),
                Entry.symlink("m/current", "weights.bin"));
        upload(alice, "datasets", id, new Part("model.zip", zip)).then().statusCode(201)
                .body("version", equalTo(3)).body("totalBytes", equalTo(2 + 5000 + 5000))
                .body("files.find { it.path == 'm/current' }.sha256", equalTo(sha256(random(5000, 5))));

        // unpack=false keeps the archive as it is
        upload(alice, "datasets", id, "?unpack=false", new Part("model.zip", zip)).then().statusCode(201)
                .body("files[0].path", equalTo("model.zip")).body("totalBytes", equalTo(zip.length));
    }

    @Test
    void unsafeArchivesAreRefusedNamingTheEntryAndNothingIsKept() {
        String alice = token(newUser());
        String id = create(alice, "datasets", "evil");
        Map<String, Part> unsafe = Map.of(
                "../escape.txt", new Part("a.tar", tar(false, Entry.file("ok.txt", "ok"), Entry.file("../escape.txt", "x")))
                , "/etc/cron.d/x", new Part("b.tar.gz", tar(true, Entry.file("ok.txt", "ok"), Entry.file("/etc/cron.d/x", "x")))
                , "data/link", new Part("c.tar", tar(false, Entry.file("ok.txt", "ok"), Entry.symlink("data/link", "../../../etc/passwd")))
                , "abs-link", new Part("d.tgz", tar(true, Entry.symlink("abs-link", "/etc/passwd")))
                , "hard", new Part("e.tar", tar(false, Entry.hardlink("hard", "../outside")))
                , "z/../../up.txt", new Part("f.zip", zip(Entry.file("ok.txt", "ok"), Entry.file("z/../../up.txt", "x")))
                , "zlink", new Part("g.zip", zip(Entry.file("ok.txt", "ok"), Entry.symlink("zlink", "/etc/shadow")))
                , "../plain.txt", new Part("../plain.txt", "x".getBytes(StandardCharsets.UTF_8)));
        unsafe.forEach((entry, part) -> upload(alice, "datasets", id, part).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("files"))
                .body("detail", containsString(entry)));
        given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions").then().body("total", equalTo(0));
        assertThat(files.root().resolve("datasets/" + id)).doesNotExist();
        assertThat(files.root().resolve("escape.txt")).doesNotExist();
        assertThat(stagingLeftovers()).isEmpty();
        await().atMost(WAIT).until(() -> VersionFiles.contents(files.root().resolve(".uploads")).isEmpty());
        // and the next good upload is version 1
        upload(alice, "datasets", id, new Part("ok.txt", "ok".getBytes(StandardCharsets.UTF_8))).then().statusCode(201)
                .body("version", equalTo(1));
    }

    @Test
    void badUploadsAreProblemsThatChangeNothing() {
        String alice = token(newUser());
        String id = create(alice, "datasets", "bad");
        upload(alice, "datasets", id, new Part("broken.zip", random(1000, 6))).then().statusCode(400)
                .body("detail", containsString("not a readable zip archive"));
        upload(alice, "datasets", id, new Part("broken.tar.gz", random(1000, 7))).then().statusCode(400)
                .body("errors.field", hasItem("files"));
        upload(alice, "datasets", id, new Part("empty.txt", new byte[0])).then().statusCode(400)
                .body("detail", containsString("no bytes"));
        upload(alice, "datasets", id, new Part("only-dirs.tar", tar(false, Entry.dir("a"), Entry.dir("a/b"))))
                .then().statusCode(400).body("detail", containsString("no files"));
        given().auth().oauth2(alice).contentType("multipart/form-data").multiPart("note", "just text")
                .post("/api/v1/datasets/" + id + "/versions").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("files"));
        upload(alice, "datasets", id, new Part("x.txt", "1".getBytes()), new Part("x.txt", "2".getBytes()))
                .then().statusCode(400).body("detail", containsString("twice"));
        given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions").then().body("total", equalTo(0));
        assertThat(files.root().resolve("datasets/" + id)).doesNotExist();
        assertThat(stagingLeftovers()).isEmpty();
    }

    @Test
    void anotherUsersItemsAndVersionsAnswer404() {
        String alice = token(newUser());
        String bob = Tokens.bob();
        String id = create(alice, "datasets", "private");
        upload(alice, "datasets", id, new Part("secret.txt", "s".getBytes())).then().statusCode(201);
        String base = "/api/v1/datasets/" + id;
        for (String path : List.of(base, base + "/versions", base + "/versions/1", base + "/versions/1/files/secret.txt")) {
            given().auth().oauth2(bob).get(path).then().statusCode(404).contentType("application/problem+json");
        }
        given().auth().oauth2(bob).delete(base + "/versions/1").then().statusCode(404);
        given().auth().oauth2(bob).delete(base).then().statusCode(404);
        upload(bob, "datasets", id, new Part("mine.txt", "m".getBytes())).then().statusCode(404);
        // the same id is not a model either
        given().auth().oauth2(alice).get("/api/v1/models/" + id).then().statusCode(404);
        given().auth().oauth2(alice).get(base + "/versions/1").then().statusCode(200);
        given().auth().oauth2(alice).get(base + "/versions/one").then().statusCode(404);
        given().auth().oauth2(alice).get("/api/v1/datasets/not-a-uuid/versions").then().statusCode(404);
    }

    @Test
    void deletingVersionsAndItemsEmitsEventsAndRemovesFiles() {
        String alice = token(newUser());
        String id = create(alice, "models", "gone-soon");
        upload(alice, "models", id, new Part("a.bin", random(10, 8))).then().statusCode(201);
        upload(alice, "models", id, new Part("b.bin", random(20, 9))).then().statusCode(201);
        upload(alice, "models", id, new Part("c.bin", random(30, 10))).then().statusCode(201);
        given().auth().oauth2(alice).delete("/api/v1/models/" + id + "/versions/1").then().statusCode(204);
        given().auth().oauth2(alice).delete("/api/v1/models/" + id + "/versions/1").then().statusCode(404);
        assertThat(files.root().resolve("models/" + id + "/v1")).doesNotExist();
        given().auth().oauth2(alice).delete("/api/v1/models/" + id).then().statusCode(204);
        assertThat(files.root().resolve("models/" + id)).doesNotExist();
        given().auth().oauth2(alice).get("/api/v1/models/" + id).then().statusCode(404);
        given().auth().oauth2(alice).get("/api/v1/models/" + id + "/versions/2").then().statusCode(404);
        upload(alice, "models", id, new Part("d.bin", random(5, 11))).then().statusCode(404);

        List<EventEnvelope> events = events(id, 7);
        assertThat(WarehouseFixtures.eventTypes(events)).containsExactly("warehouse.version.created",
                "warehouse.version.created", "warehouse.version.created", "warehouse.version.deleted",
                "warehouse.version.deleted", "warehouse.version.deleted", "warehouse.item.deleted");
        WarehouseVersionDeleted first = EventCodec.payload(events.get(3), WarehouseVersionDeleted.class);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.bytes()).isEqualTo(10);
        assertThat(events.get(6).data().get("kind").asText()).isEqualTo("model");
        assertThat(events).allSatisfy(e -> assertThat(e.subject()).isEqualTo(id));
    }

    @Test
    void whenStorageIsUnavailableAnUploadIs503WithRetryAfterAndKeepsNothing() {
        String alice = token(newUser());
        String id = create(alice, "datasets", "patient");
        for (StorageStandIn.Mode mode : List.of(StorageStandIn.Mode.DOWN, StorageStandIn.Mode.FAILING, StorageStandIn.Mode.SLOW)) {
            StorageStandIn.current().mode(mode);
            upload(alice, "datasets", id, new Part("a.txt", "abc".getBytes())).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", notNullValue())
                    .body("type", equalTo("urn:hyperai:problem:dependency-unavailable"));
            StorageStandIn.current().mode(StorageStandIn.Mode.UP);
        }
        // each of those was tried twice: six failures opened storage's circuit for its 5 s; as if they had passed
        CircuitBreakerMaintenance.get().resetAll();
        given().auth().oauth2(alice).get("/api/v1/datasets/" + id + "/versions").then().body("total", equalTo(0));
        assertThat(files.root().resolve("datasets/" + id)).doesNotExist();
        assertThat(stagingLeftovers()).isEmpty();
        // reading what exists needs no storage-service
        StorageStandIn.current().mode(StorageStandIn.Mode.DOWN);
        given().auth().oauth2(alice).get("/api/v1/datasets/" + id).then().statusCode(200);
        StorageStandIn.current().mode(StorageStandIn.Mode.UP);
        upload(alice, "datasets", id, new Part("a.txt", "abc".getBytes())).then().statusCode(201).body("version", equalTo(1));
    }

    @Test
    void uploadsThatDoNotFitTheQuotaAreRefusedAndReleaseWhatTheyHeld() {
        StorageStandIn storage = StorageStandIn.current();
        String blockedUser = newUser();
        storage.block(blockedUser);
        String blocked = token(blockedUser);
        String id = create(blocked, "datasets", "blocked");
        upload(blocked, "datasets", id, new Part("a.txt", "abc".getBytes())).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("urn:hyperai:problem:quota-exceeded"));

        String smallUser = newUser();
        storage.quota(smallUser, 1000);
        String small = token(smallUser);
        String smallId = create(small, "datasets", "small");
        upload(small, "datasets", smallId, new Part("big.bin", random(1001, 12))).then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:quota-exceeded"));
        // an archive counts by what it unpacks to, not by its compressed size
        byte[] bomb = tar(true, Entry.file("zeros.bin", new byte[200_000]));
        assertThat(bomb.length).isLessThan(1000);
        upload(small, "datasets", smallId, new Part("bomb.tar.gz", bomb)).then().statusCode(409);
        upload(small, "datasets", smallId, new Part("fits.bin", random(1000, 13))).then().statusCode(201);
        assertThat(storage.reservedBytes(smallUser)).isEqualTo(1000);

        String racedUser = newUser();
        storage.refuseReservations(racedUser);
        String raced = token(racedUser);
        String racedId = create(raced, "models", "raced");
        upload(raced, "models", racedId, new Part("w.bin", random(10, 14))).then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:quota-exceeded"));
        for (String item : List.of(id, smallId + "/v2", racedId)) {
            assertThat(files.root().resolve("datasets/" + item)).doesNotExist();
            assertThat(files.root().resolve("models/" + item)).doesNotExist();
        }
        assertThat(stagingLeftovers()).isEmpty();
    }

    /**
     * What depends only on who asks and how much they declare is refused before the body: with
     * {@code Expect: 100-continue} the refusal replaces "100 Continue" and not one byte is sent; without it the body is
     * read and dropped, never written to the uploads directory.
     */
    @Test
    void uploadsThatCannotLandAreRefusedBeforeTheirBodyIsRead() throws Exception {
        int port = RestAssured.port;
        String alice = token(newUser());
        String versions = "/api/v1/datasets/" + create(alice, "datasets", "gated") + "/versions";
        try (RawUpload u = new RawUpload(port, versions, Tokens.bob(), "x.bin", random(4096, 30), true)) {
            String head = u.readHead();
            assertThat(RawUpload.status(head)).isEqualTo(404);
            assertThat(u.readBody(head)).contains("urn:hyperai:problem:");
            assertThat(u.sent()).isZero();
        }
        String smallUser = newUser();
        StorageStandIn.current().quota(smallUser, 1000);
        String small = token(smallUser);
        String smallVersions = "/api/v1/datasets/" + create(small, "datasets", "small") + "/versions";
        try (RawUpload u = new RawUpload(port, smallVersions, small, "big.bin", new byte[2 * 1024 * 1024], true)) {
            String head = u.readHead();
            assertThat(RawUpload.status(head)).isEqualTo(409);
            assertThat(u.readBody(head)).contains("quota-exceeded");
        }

        Path uploads = files.root().resolve(".uploads");
        try (RawUpload u = new RawUpload(port, versions, Tokens.bob(), "x.bin", random(1024 * 1024, 31), false)) {
            u.send(u.bodyLength() / 2);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> VersionFiles.contents(uploads).isEmpty());
            u.sendRest();
            assertThat(RawUpload.status(u.readHead())).isEqualTo(404);
        }

        try (RawUpload u = new RawUpload(port, versions, alice, "ok.bin", random(2048, 32), true)) {
            assertThat(RawUpload.status(u.readHead())).isEqualTo(100);
            u.sendRest();
            assertThat(RawUpload.status(u.readHead())).isEqualTo(201);
        }
    }

    /**
     * Issue 21: an upload goes to its file while it arrives and is not held in memory. Half-way through a 512 MiB
     * body (made on the fly, so the test holds none of it either), the half sent is already in the file's place in
     * the staging directory, and nowhere else (there is no temporary copy to move or read again); the heap's live
     * set has not grown by a quarter of it. Then the rest arrives and the version has the bytes' SHA-256.
     */
    @Test
    void aBigUploadIsWrittenToItsPlaceAsItArrivesAndNotHeldInMemory() throws Exception {
        long size = 512L * 1024 * 1024;
        int half = (int) (size / 2);
        String alice = token(newUser());
        String id = create(alice, "datasets", "big");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        long heapBefore = liveHeap();
        try (RawUpload u = new RawUpload(RestAssured.port, "/api/v1/datasets/" + id + "/versions", alice, "big.bin",
                size, generated(size, sent), true)) {
            assertThat(RawUpload.status(u.readHead())).isEqualTo(100);
            u.send(half);
            // what the client sent reaches the service's disk; nothing more is sent meanwhile
            await().atMost(WAIT).until(() -> stagedBytes("big.bin") >= half - 1024 * 1024);
            assertThat(VersionFiles.contents(files.root().resolve(".uploads"))).isEmpty();
            assertThat(liveHeap() - heapBefore).isLessThan(half / 4);
            u.sendRest();
            String head = u.readHead();
            assertThat(RawUpload.status(head)).isEqualTo(201);
            JsonPath version = new JsonPath(u.readBody(head));
            assertThat(version.getLong("totalBytes")).isEqualTo(size);
            assertThat(version.getString("files[0].sha256")).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        }
        assertThat(files.root().resolve("datasets/" + id + "/v1/big.bin")).hasSize(size);
        given().auth().oauth2(alice).delete("/api/v1/datasets/" + id).then().statusCode(204);
    }

    /** The heap's live set: used after collecting the garbage. */
    private static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The size of the file {@code name} being staged; 0 while there is none. */
    private long stagedBytes(String name) throws IOException {
        for (Path p : stagingLeftovers()) {
            if (p.getFileName().toString().equals(name)) {
                return Files.size(p);
            }
        }
        return 0;
    }

    /** {@code size} bytes made while they are read (one random mebibyte over and over), hashed into {@code sha}. */
    private static InputStream generated(long size, MessageDigest sha) {
        byte[] block = random(1024 * 1024, 40);
        return new BlockInputStream() {
            private long at;

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= size) {
                    return -1;
                }
                int inBlock = (int) (at % block.length);
                int n = (int) Math.min(Math.min(len, block.length - inBlock), size - at);
                System.arraycopy(block, inBlock, b, off, n);
                sha.update(b, off, n);
                at += n;
                return n;
            }
        };
    }

    private List<Path> stagingLeftovers() {
        return VersionFiles.contents(files.root().resolve(".staging"));
    }

    /** The events about {@code itemId} on warehouse-events, once {@code expected} of them are there. */
    static List<EventEnvelope> events(String itemId, int expected) {
        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.WAREHOUSE, WAIT,
                read -> read.stream().filter(r -> itemId.equals(r.key())).count() >= expected);
        List<EventEnvelope> events = records.stream().filter(r -> itemId.equals(r.key()))
                .map(r -> EventCodec.read(r.value())).toList();
        assertThat(events).hasSize(expected);
        return events;
    }
}
