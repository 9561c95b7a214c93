package io.hyperai.warehouse;

import static io.restassured.RestAssured.given;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import io.hyperai.test.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Users, items, uploads and archives (well-made and malicious) for the warehouse tests. */
final class WarehouseFixtures {

    /** An archive entry: a file, a directory, a symbolic link or a hard link. */
    record Entry(String name, byte[] content, String link, boolean hard, boolean directory) {
        static Entry file(String name, String content) {
            return new Entry(name, content.getBytes(StandardCharsets.UTF_8), null, false, false);
        }

        static Entry file(String name, byte[] content) {
            return new Entry(name, content, null, false, false);
        }

        static Entry dir(String name) {
            return new Entry(name, null, null, false, true);
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, null, target, false, false);
        }

        static Entry hardlink(String name, String target) {
            return new Entry(name, null, target, true, false);
        }
    }

    /** A multipart file part. */
    record Part(String fileName, byte[] content) {
    }

    private WarehouseFixtures() {
    }

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    static String token(String user) {
        return Tokens.provider().token(user, "user");
    }

    static String create(String token, String collection, String name) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", name, "description", "made by a test"))
                .post("/api/v1/" + collection).then().statusCode(201).extract().path("id");
    }

    static Response upload(String token, String collection, String id, Part... parts) {
        return upload(token, collection, id, "", parts);
    }

    static Response upload(String token, String collection, String id, String query, Part... parts) {
        RequestSpecification request = given().auth().oauth2(token).contentType("multipart/form-data");
        for (Part part : parts) {
            request = request.multiPart("files", part.fileName(), part.content(), "application/octet-stream");
        }
        return request.post("/api/v1/" + collection + "/" + id + "/versions" + query);
    }

    static byte[] tar(boolean gzip, Entry... entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream sink = gzip ? new GzipCompressorOutputStream(bytes) : bytes;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(sink)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry entry;
                if (e.link() != null) {
                    entry = new TarArchiveEntry(e.name(), e.hard() ? TarConstants.LF_LINK : TarConstants.LF_SYMLINK, true);
                    entry.setLinkName(e.link());
                } else if (e.directory()) {
                    entry = new TarArchiveEntry(e.name().endsWith("/") ? e.name() : e.name() + "/", true);
                } else {
                    entry = new TarArchiveEntry(e.name(), true);
                    entry.setSize(e.content().length);
                }
                tar.putArchiveEntry(entry);
                if (e.content() != null) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] zip(Entry... entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Entry e : entries) {
                ZipArchiveEntry entry = new ZipArchiveEntry(e.directory() && !e.name().endsWith("/") ? e.name() + "/" : e.name());
                byte[] content = e.content();
                if (e.link() != null) {
                    entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
                    content = e.link().getBytes(StandardCharsets.UTF_8);
                }
                zip.putArchiveEntry(entry);
                if (content != null) {
                    zip.write(content);
                }
                zip.closeArchiveEntry();
            }
            zip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    static List<String> eventTypes(List<io.hyperai.common.events.EventEnvelope> events) {
        return events.stream().map(io.hyperai.common.events.EventEnvelope::type).toList();
    }
}
