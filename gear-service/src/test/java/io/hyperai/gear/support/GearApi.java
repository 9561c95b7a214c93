package io.hyperai.gear.support;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.hyperai.test.SharedInfrastructure;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Request bodies, calls and database look-ups the gear tests share. */
public final class GearApi {

    private GearApi() {
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Map<String, Object> gear(String name, String spec, String image, List<Map<String, Object>> bindings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("computeSpecId", spec);
        body.put("imageId", image);
        body.put("bindings", bindings);
        return body;
    }

    public static Map<String, Object> gear(String name) {
        return gear(name, "cpu-2c4g", "pytorch-2.4-cpu", List.of());
    }

    public static Map<String, Object> dataset(String mountPath, String id, int version) {
        return binding(mountPath, "dataset", id, version, null);
    }

    public static Map<String, Object> model(String mountPath, String id, int version) {
        return binding(mountPath, "model", id, version, null);
    }

    public static Map<String, Object> output(String mountPath, String executionId) {
        return binding(mountPath, "output", null, null, executionId);
    }

    public static Map<String, Object> binding(String mountPath, String kind, String id, Integer version,
            String executionId) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", kind);
        if (id != null) {
            source.put("id", id);
        }
        if (version != null) {
            source.put("version", version);
        }
        if (executionId != null) {
            source.put("executionId", executionId);
        }
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("mountPath", mountPath);
        binding.put("source", source);
        return binding;
    }

    public static List<Map<String, Object>> list(Map<String, Object>... items) {
        return new ArrayList<>(List.of(items));
    }

    public static Response create(String token, Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post("/api/v1/gears");
    }

    public static String createOk(String token, Object body) {
        return create(token, body).then().statusCode(201).extract().path("id");
    }

    public static long count(String sql, Object... params) {
        try (Connection c = SharedInfrastructure.postgres().connect("gear");
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** No gear of this name exists and no event mentions it: a refused request left no trace. */
    public static long traces(String name) {
        return count("SELECT count(*) FROM gear WHERE name = ?", name)
                + count("SELECT count(*) FROM outbox_event WHERE payload LIKE ?", "%" + name + "%");
    }

    public static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
