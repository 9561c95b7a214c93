package io.hyperai.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The part of kustomize that {@code deploy/} uses, so the manifests are rendered and checked without a kustomize
 * binary: {@code resources} (files and folders), {@code namespace}, {@code configMapGenerator} ({@code files},
 * {@code options.disableNameSuffixHash/labels/annotations}) and {@code patches} (inline JSON 6902 {@code add},
 * {@code replace}, {@code remove} on maps and lists, {@code -} appending, with a {@code target} by kind and name). Anything else in a kustomization fails the render, so this never silently
 * differs from {@code kubectl apply -k}; as kustomize does, it refuses generator and resource files outside the
 * kustomization's folder and duplicate resources.
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "namespace",
            "configMapGenerator", "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "StorageClass", "PersistentVolume", "PriorityClass");

    /** One rendered object, and the file it came from (a generated ConfigMap: its kustomization). */
    record Resource(Map<String, Object> object, Path source) {

        String kind() {
            return (String) object.get("kind");
        }

        String apiVersion() {
            return (String) object.get("apiVersion");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> metadata() {
            return (Map<String, Object>) object.get("metadata");
        }

        String name() {
            return (String) metadata().get("name");
        }

        String namespace() {
            return (String) metadata().get("namespace");
        }

        String id() {
            return kind() + " " + (namespace() == null ? "" : namespace() + "/") + name();
        }

        String yaml() {
            try {
                return YAML.writeValueAsString(object);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Kustomize() {
    }

    static List<Resource> render(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Path file = root.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no kustomization.yaml in " + root);
        }
        Map<String, Object> k = readOne(file);
        for (String key : k.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalStateException(file + ": '" + key + "' is not supported by the test renderer");
            }
        }
        List<Resource> out = new ArrayList<>();
        for (Object r : list(k.get("resources"))) {
            Path p = root.resolve((String) r).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(render(p));
            } else {
                requireInside(root, p, file);
                for (Map<String, Object> o : readAll(p)) {
                    out.add(new Resource(o, p));
                }
            }
        }
        for (Object g : list(k.get("configMapGenerator"))) {
            out.add(new Resource(generate(root, file, map(g)), file));
        }
        String namespace = (String) k.get("namespace");
        if (namespace != null) {
            for (Resource r : out) {
                if (!CLUSTER_SCOPED.contains(r.kind())) {
                    r.metadata().put("namespace", namespace);
                }
            }
        }
        for (Object p : list(k.get("patches"))) {
            patch(out, map(p), file);
        }
        Set<String> ids = new java.util.HashSet<>();
        for (Resource r : out) {
            if (!ids.add(r.id())) {
                throw new IllegalStateException(file + ": " + r.id() + " is declared twice");
            }
        }
        return out;
    }

    private static Map<String, Object> generate(Path root, Path file, Map<String, Object> g) {
        Map<String, Object> options = g.containsKey("options") ? map(g.get("options")) : Map.of();
        if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
            throw new IllegalStateException(file + ": generator " + g.get("name")
                    + " needs options.disableNameSuffixHash: true (the renderer does not compute name hashes)");
        }
        for (String key : g.keySet()) {
            if (!Set.of("name", "files", "options").contains(key)) {
                throw new IllegalStateException(file + ": configMapGenerator." + key + " is not supported");
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object f : list(g.get("files"))) {
            String spec = (String) f;
            String key = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : null;
            Path p = root.resolve(spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec).normalize();
            requireInside(root, p, file);
            if (key == null) {
                key = p.getFileName().toString();
            }
            data.put(key, read(p));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", g.get("name"));
        if (options.containsKey("labels")) {
            metadata.put("labels", new LinkedHashMap<>(map(options.get("labels"))));
        }
        if (options.containsKey("annotations")) {
            metadata.put("annotations", new LinkedHashMap<>(map(options.get("annotations"))));
        }
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        cm.put("metadata", metadata);
        cm.put("data", data);
        return cm;
    }

    private static void patch(List<Resource> resources, Map<String, Object> p, Path file) {
        Map<String, Object> target = map(p.get("target"));
        List<Map<String, Object>> ops;
        try {
            ops = YAML.readValue((String) p.get("patch"), new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": patch is not a JSON 6902 list", e);
        }
        int matched = 0;
        for (Resource r : resources) {
            if (Objects.equals(target.get("kind"), r.kind())
                    && (target.get("name") == null || target.get("name").equals(r.name()))) {
                matched++;
                for (Map<String, Object> op : ops) {
                    apply(r, op, file);
                }
            }
        }
        if (matched == 0) {
            throw new IllegalStateException(file + ": patch target " + target + " matches nothing");
        }
    }

    @SuppressWarnings("unchecked")
    private static void apply(Resource r, Map<String, Object> op, Path file) {
        String kind = (String) op.get("op");
        String[] path = ((String) op.get("path")).substring(1).split("/");
        Object node = r.object();
        for (int i = 0; i < path.length - 1; i++) {
            node = child(node, unescape(path[i]));
            if (node == null) {
                throw new IllegalStateException(file + ": " + op.get("path") + " does not exist in " + r.id());
            }
        }
        String last = unescape(path[path.length - 1]);
        if (node instanceof List<?> list) {
            applyToList((List<Object>) list, kind, last, op, r, file);
            return;
        }
        if (!(node instanceof Map)) {
            throw new IllegalStateException(file + ": " + op.get("path") + " is inside neither a map nor a list");
        }
        Map<String, Object> m = (Map<String, Object>) node;
        switch (kind) {
            case "replace" -> {
                if (!m.containsKey(last)) {
                    throw new IllegalStateException(file + ": replace of missing " + op.get("path") + " in " + r.id());
                }
                m.put(last, op.get("value"));
            }
            case "add" -> m.put(last, op.get("value"));
            case "remove" -> {
                if (m.remove(last) == null) {
                    throw new IllegalStateException(file + ": remove of missing " + op.get("path") + " in " + r.id());
                }
            }
            default -> throw new IllegalStateException(file + ": op " + kind + " is not supported");
        }
    }

    /** RFC 6902 on a list: {@code add} inserts at an index or appends at {@code -}; replace and remove by index. */
    private static void applyToList(List<Object> list, String kind, String last, Map<String, Object> op, Resource r,
            Path file) {
        if (kind.equals("add") && last.equals("-")) {
            list.add(op.get("value"));
            return;
        }
        int i = last.matches("\\d+") ? Integer.parseInt(last) : -1;
        if (i < 0 || i > list.size() || (i == list.size() && !kind.equals("add"))) {
            throw new IllegalStateException(file + ": " + op.get("path") + " is past the list's end in " + r.id());
        }
        switch (kind) {
            case "add" -> list.add(i, op.get("value"));
            case "replace" -> list.set(i, op.get("value"));
            case "remove" -> list.remove(i);
            default -> throw new IllegalStateException(file + ": op " + kind + " is not supported");
        }
    }

    @SuppressWarnings("unchecked")
    private static Object child(Object node, String key) {
        if (node instanceof Map<?, ?> m) {
            return m.get(key);
        }
        if (node instanceof List<?> l && key.matches("\\d+")) {
            int i = Integer.parseInt(key);
            return i < l.size() ? l.get(i) : null;
        }
        return null;
    }

    private static String unescape(String s) {
        return s.replace("~1", "/").replace("~0", "~");
    }

    private static void requireInside(Path root, Path p, Path file) {
        if (!p.startsWith(root)) {
            throw new IllegalStateException(file + ": " + p + " is outside the kustomization's folder "
                    + "(kustomize refuses it: security; file is not in or below the root)");
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> readOne(Path p) {
        List<Map<String, Object>> all = readAll(p);
        if (all.size() != 1) {
            throw new IllegalStateException(p + " must hold one document");
        }
        return all.get(0);
    }

    static List<Map<String, Object>> readAll(Path p) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = YAML.readerFor(new TypeReference<Map<String, Object>>() {
        }).readValues(read(p))) {
            while (it.hasNext()) {
                Map<String, Object> doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + p, e);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    static List<?> list(Object o) {
        return o == null ? List.of() : (List<?>) o;
    }
}
