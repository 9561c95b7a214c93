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
 * binary: {@code resources} (files and folders), {@code components} (folders of {@code kind: Component}),
 * {@code namespace}, {@code namePrefix} (with the references to renamed ConfigMaps, Secrets, ServiceAccounts and
 * claims in pod templates), {@code labels} ({@code pairs}, {@code includeTemplates}, {@code includeSelectors} on
 * Deployments, Services and PodDisruptionBudgets, as kustomize's commonLabels field specs have them),
 * {@code images} ({@code name}, {@code newName}, {@code newTag}), {@code configMapGenerator} and
 * {@code secretGenerator} ({@code files}, {@code literals}, {@code behavior: merge}, {@code type}, {@code namespace},
 * {@code options.disableNameSuffixHash/labels/annotations}) and {@code patches} (inline JSON 6902 {@code add},
 * {@code replace}, {@code remove} on maps and lists, {@code -} appending, with a {@code target} by kind, name and
 * label selector). Transformers run in kustomize's order (patches, namespace, prefix, labels, images); a
 * component's run on everything its parent has accumulated. Anything else in a kustomization fails the render, so
 * this never silently differs from {@code kubectl kustomize} (KustomizeAgreesWithKubectlTest compares the two where
 * a kubectl with kustomize v5 is installed); as kustomize does, it refuses generator and resource files outside the
 * kustomization's folder and duplicate resources.
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "components", "namespace",
            "namePrefix", "labels", "images", "configMapGenerator", "secretGenerator", "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "StorageClass", "PersistentVolume", "PriorityClass");
    /** Kinds with a pod template at spec.template (labels' includeTemplates, images, name references). */
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");
    /**
     * The selectors {@code includeSelectors} writes only where they exist (kustomize v5's commonLabels field specs,
     * {@code create: false}; api/internal/konfig/builtinpluginconsts/commonlabels.go), by kind and API group: a
     * Deployment's pod (anti-)affinity terms and topology spread constraints, a PodDisruptionBudget's selector.
     * A path runs through every element of a list on its way.
     */
    private static final Map<String, List<String>> EXISTING_SELECTORS = Map.of(
            "Deployment apps", List.of(
                    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/"
                            + "podAffinityTerm/labelSelector/matchLabels",
                    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/"
                            + "labelSelector/matchLabels",
                    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/"
                            + "podAffinityTerm/labelSelector/matchLabels",
                    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/"
                            + "labelSelector/matchLabels",
                    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels"),
            "PodDisruptionBudget policy", List.of("spec/selector/matchLabels"));
    /** Kinds whose selectors {@code includeSelectors} would change besides those modelled: refused, not modelled. */
    private static final Set<String> OTHER_SELECTING = Set.of("StatefulSet", "DaemonSet", "ReplicaSet", "Job",
            "CronJob", "NetworkPolicy", "ReplicationController");

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

        @SuppressWarnings("unchecked")
        Map<String, Object> labels() {
            return (Map<String, Object>) metadata().computeIfAbsent("labels", k -> new LinkedHashMap<>());
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
        return build(dir, "Kustomization", new ArrayList<>());
    }

    /**
     * A kustomization (or a component, which transforms what its parent accumulated so far: {@code into}) as
     * kustomize builds it: resources, then components, then its own generators, then its own transformers.
     */
    private static List<Resource> build(Path dir, String kind, List<Resource> into) {
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
        String declared = k.getOrDefault("kind", "Kustomization").toString();
        if (!declared.equals(kind)) {
            throw new IllegalStateException(file + " is a " + declared + ", used as a " + kind);
        }
        List<Resource> out = into;
        for (Object r : list(k.get("resources"))) {
            Path p = root.resolve((String) r).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(build(p, "Kustomization", new ArrayList<>()));
            } else {
                requireInside(root, p, file);
                for (Map<String, Object> o : readAll(p)) {
                    out.add(new Resource(o, p));
                }
            }
        }
        for (Object c : list(k.get("components"))) {
            build(root.resolve((String) c).normalize(), "Component", out);
        }
        for (Object g : list(k.get("configMapGenerator"))) {
            generate(out, root, file, map(g), "ConfigMap");
        }
        for (Object g : list(k.get("secretGenerator"))) {
            generate(out, root, file, map(g), "Secret");
        }
        for (Object p : list(k.get("patches"))) {
            patch(out, map(p), file);
        }
        String namespace = (String) k.get("namespace");
        if (namespace != null) {
            for (Resource r : out) {
                if (!CLUSTER_SCOPED.contains(r.kind())) {
                    r.metadata().put("namespace", namespace);
                }
            }
        }
        if (k.get("namePrefix") != null) {
            prefix(out, (String) k.get("namePrefix"));
        }
        for (Object l : list(k.get("labels"))) {
            label(out, map(l), file);
        }
        for (Object i : list(k.get("images"))) {
            image(out, map(i), file);
        }
        Set<String> ids = new java.util.HashSet<>();
        for (Resource r : out) {
            if (!ids.add(r.id())) {
                throw new IllegalStateException(file + ": " + r.id() + " is declared twice");
            }
        }
        return out;
    }

    /**
     * A generated ConfigMap or Secret ({@code literals} and {@code files}); {@code behavior: merge} adds its data
     * to the object of that name already accumulated. Secrets get base64 {@code data}, as kustomize writes them.
     */
    @SuppressWarnings("unchecked")
    private static void generate(List<Resource> out, Path root, Path file, Map<String, Object> g, String kind) {
        for (String key : g.keySet()) {
            if (!Set.of("name", "namespace", "behavior", "type", "files", "literals", "options").contains(key)) {
                throw new IllegalStateException(file + ": " + kind + " generator field " + key + " is not supported");
            }
        }
        Map<String, Object> options = g.containsKey("options") ? map(g.get("options")) : Map.of();
        if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
            throw new IllegalStateException(file + ": generator " + g.get("name")
                    + " needs options.disableNameSuffixHash: true (the renderer does not compute name hashes)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object f : list(g.get("files"))) {
            String spec = (String) f;
            String key = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : null;
            Path p = root.resolve(spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec).normalize();
            requireInside(root, p, file);
            data.put(key == null ? p.getFileName().toString() : key, read(p));
        }
        for (Object l : list(g.get("literals"))) {
            String literal = (String) l;
            data.put(literal.substring(0, literal.indexOf('=')), literal.substring(literal.indexOf('=') + 1));
        }
        if (kind.equals("Secret")) {
            data.replaceAll((key, value) -> java.util.Base64.getEncoder()
                    .encodeToString(value.toString().getBytes(StandardCharsets.UTF_8)));
        }
        String behavior = (String) g.getOrDefault("behavior", "create");
        if (behavior.equals("merge")) {
            Resource existing = out.stream().filter(r -> r.kind().equals(kind) && r.name().equals(g.get("name")))
                    .findFirst().orElseThrow(() -> new IllegalStateException(file + ": merge into missing " + kind
                            + " " + g.get("name")));
            ((Map<String, Object>) existing.object().computeIfAbsent("data", x -> new LinkedHashMap<>())).putAll(data);
            mergeMap(existing.metadata(), "labels", options.get("labels"));
            mergeMap(existing.metadata(), "annotations", options.get("annotations"));
            return;
        }
        if (!behavior.equals("create")) {
            throw new IllegalStateException(file + ": generator behavior " + behavior + " is not supported");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", g.get("name"));
        if (g.get("namespace") != null) {
            metadata.put("namespace", g.get("namespace"));
        }
        mergeMap(metadata, "labels", options.get("labels"));
        mergeMap(metadata, "annotations", options.get("annotations"));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "v1");
        object.put("kind", kind);
        object.put("metadata", metadata);
        if (g.get("type") != null) {
            object.put("type", g.get("type"));
        } else if (kind.equals("Secret")) {
            object.put("type", "Opaque");
        }
        object.put("data", data);
        out.add(new Resource(object, file));
    }

    @SuppressWarnings("unchecked")
    private static void mergeMap(Map<String, Object> into, String key, Object values) {
        if (values != null) {
            ((Map<String, Object>) into.computeIfAbsent(key, x -> new LinkedHashMap<>())).putAll(map(values));
        }
    }

    /**
     * namePrefix: every object's name, and the references kustomize follows to the renamed objects of this same
     * set from a pod template (ConfigMaps and Secrets in env, envFrom and volumes; the ServiceAccount; claims). A
     * reference to an object outside the set (a Secret an operator provides) keeps its name, as in kustomize.
     */
    private static void prefix(List<Resource> out, String prefix) {
        Map<String, String> renamed = new LinkedHashMap<>();
        for (Resource r : out) {
            if (r.kind().equals("Namespace") || r.kind().equals("CustomResourceDefinition")) {
                continue;
            }
            renamed.put(r.kind() + "/" + r.name(), prefix + r.name());
            r.metadata().put("name", prefix + r.name());
        }
        for (Resource r : out) {
            if (WORKLOADS.contains(r.kind())) {
                Map<String, Object> pod = map(map(map(r.object().get("spec")).get("template")).get("spec"));
                rename(pod, "serviceAccountName", "ServiceAccount", renamed);
                for (Object v : list(pod.get("volumes"))) {
                    Map<String, Object> volume = map(v);
                    renameIn(volume.get("configMap"), "name", "ConfigMap", renamed);
                    renameIn(volume.get("secret"), "secretName", "Secret", renamed);
                    renameIn(volume.get("persistentVolumeClaim"), "claimName", "PersistentVolumeClaim", renamed);
                }
                for (Object c : containers(pod)) {
                    for (Object e : list(map(c).get("envFrom"))) {
                        renameIn(map(e).get("configMapRef"), "name", "ConfigMap", renamed);
                        renameIn(map(e).get("secretRef"), "name", "Secret", renamed);
                    }
                    for (Object e : list(map(c).get("env"))) {
                        Object from = map(e).get("valueFrom");
                        if (from != null) {
                            renameIn(map(from).get("configMapKeyRef"), "name", "ConfigMap", renamed);
                            renameIn(map(from).get("secretKeyRef"), "name", "Secret", renamed);
                        }
                    }
                }
            } else if (r.kind().equals("RoleBinding") || r.kind().equals("ClusterRoleBinding")
                    || r.kind().equals("Ingress")) {
                throw new IllegalStateException(r.id() + ": the renderer does not follow its references under a "
                        + "namePrefix");
            }
        }
    }

    private static void renameIn(Object holder, String field, String kind, Map<String, String> renamed) {
        if (holder != null) {
            rename(map(holder), field, kind, renamed);
        }
    }

    private static void rename(Map<String, Object> holder, String field, String kind, Map<String, String> renamed) {
        String to = renamed.get(kind + "/" + holder.get(field));
        if (to != null) {
            holder.put(field, to);
        }
    }

    private static List<Object> containers(Map<String, Object> pod) {
        List<Object> all = new ArrayList<>(list(pod.get("containers")));
        all.addAll(list(pod.get("initContainers")));
        return all;
    }

    /** labels: metadata of everything; pod templates with includeTemplates or includeSelectors; selectors. */
    @SuppressWarnings("unchecked")
    private static void label(List<Resource> out, Map<String, Object> l, Path file) {
        for (String key : l.keySet()) {
            if (!Set.of("pairs", "includeSelectors", "includeTemplates").contains(key)) {
                throw new IllegalStateException(file + ": labels." + key + " is not supported");
            }
        }
        Map<String, Object> pairs = map(l.get("pairs"));
        boolean selectors = Boolean.TRUE.equals(l.get("includeSelectors"));
        boolean templates = selectors || Boolean.TRUE.equals(l.get("includeTemplates"));
        for (Resource r : out) {
            r.labels().putAll(pairs);
            Map<String, Object> spec = (Map<String, Object>) r.object().get("spec");
            if (templates && WORKLOADS.contains(r.kind())) {
                Map<String, Object> meta = (Map<String, Object>) map(spec.get("template"))
                        .computeIfAbsent("metadata", x -> new LinkedHashMap<>());
                mergeMap(meta, "labels", pairs);
            }
            if (selectors) {
                if (r.kind().equals("Deployment")) {
                    mergeMap((Map<String, Object>) spec.computeIfAbsent("selector", x -> new LinkedHashMap<>()),
                            "matchLabels", pairs);
                } else if (r.kind().equals("Service")) {
                    mergeMap(spec, "selector", pairs);
                } else if (OTHER_SELECTING.contains(r.kind())) {
                    throw new IllegalStateException(file + ": includeSelectors on " + r.id() + " is not modelled");
                }
                String group = r.apiVersion().contains("/") ? r.apiVersion().substring(0, r.apiVersion().indexOf('/'))
                        : "";
                for (String path : EXISTING_SELECTORS.getOrDefault(r.kind() + " " + group, List.of())) {
                    mergeWhereExists(r.object(), path.split("/"), 0, pairs, r, file);
                }
            }
        }
    }

    /**
     * Adds the pairs to the map at {@code path} where it exists (through every element of a list on the way),
     * creating nothing: a selector without {@code matchLabels} stays without. A null on the path is refused, as
     * what kustomize does with it is not modelled.
     */
    @SuppressWarnings("unchecked")
    private static void mergeWhereExists(Object node, String[] path, int at, Map<String, Object> pairs, Resource r,
            Path file) {
        if (node instanceof List<?> elements) {
            for (Object e : elements) {
                mergeWhereExists(e, path, at, pairs, r, file);
            }
            return;
        }
        Map<String, Object> m = (Map<String, Object>) node;
        if (!m.containsKey(path[at])) {
            return;
        }
        Object next = m.get(path[at]);
        if (next == null) {
            throw new IllegalStateException(file + ": " + r.id() + " has a null " + String.join("/", path)
                    + ": includeSelectors on it is not modelled");
        }
        if (at == path.length - 1) {
            ((Map<String, Object>) next).putAll(pairs);
        } else {
            mergeWhereExists(next, path, at + 1, pairs, r, file);
        }
    }

    /** images: a container image whose name (before the tag) is {@code name} gets newName and/or newTag. */
    private static void image(List<Resource> out, Map<String, Object> i, Path file) {
        for (String key : i.keySet()) {
            if (!Set.of("name", "newName", "newTag").contains(key)) {
                throw new IllegalStateException(file + ": images." + key + " is not supported");
            }
        }
        for (Resource r : out) {
            if (!WORKLOADS.contains(r.kind())) {
                continue;
            }
            for (Object c : containers(map(map(map(r.object().get("spec")).get("template")).get("spec")))) {
                Map<String, Object> container = map(c);
                String image = (String) container.get("image");
                int colon = image.lastIndexOf(':');
                boolean tagged = colon > image.lastIndexOf('/');
                String name = tagged ? image.substring(0, colon) : image;
                if (name.equals(i.get("name"))) {
                    String newName = (String) i.getOrDefault("newName", name);
                    String tag = i.get("newTag") != null ? ":" + i.get("newTag") : tagged ? image.substring(colon) : "";
                    container.put("image", newName + tag);
                }
            }
        }
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
                    && (target.get("name") == null || target.get("name").equals(r.name()))
                    && (target.get("labelSelector") == null || selects((String) target.get("labelSelector"), r))) {
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

    /** A label selector of the equality form kustomize targets take: {@code a=b,c=d}. */
    private static boolean selects(String selector, Resource r) {
        for (String term : selector.split(",")) {
            String[] kv = term.split("=", 2);
            if (kv.length != 2 || kv[0].endsWith("!")) {
                throw new IllegalStateException("label selector " + selector + " is not supported");
            }
            if (!kv[1].trim().equals(r.labels().get(kv[0].trim()))) {
                return false;
            }
        }
        return true;
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
