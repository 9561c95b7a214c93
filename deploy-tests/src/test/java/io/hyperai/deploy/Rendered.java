package io.hyperai.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** deploy/base and the overlays dev and prod, rendered once and parsed into fabric8 model objects. */
final class Rendered {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static final Rendered BASE = new Rendered("deploy/base", Kustomize.render(Repo.DEPLOY.resolve("base")));
    static final Rendered DEV = new Rendered("deploy/overlays/dev", Kustomize.render(Repo.DEPLOY.resolve("overlays/dev")));
    static final Rendered PROD = new Rendered("deploy/overlays/prod",
            Kustomize.render(Repo.DEPLOY.resolve("overlays/prod")));

    /** Another kustomization (an overlay a test writes), rendered the same way. */
    static Rendered of(String name, java.nio.file.Path dir) {
        return new Rendered(name, Kustomize.render(dir));
    }

    static List<Rendered> all() {
        return List.of(BASE, DEV, PROD);
    }

    final String name;
    final List<Kustomize.Resource> raw;
    final Map<Kustomize.Resource, HasMetadata> typed = new LinkedHashMap<>();

    private Rendered(String name, List<Kustomize.Resource> raw) {
        this.name = name;
        this.raw = raw;
        for (Kustomize.Resource r : raw) {
            typed.put(r, SERIALIZATION.unmarshal(r.yaml()));
        }
    }

    List<HasMetadata> objects() {
        return new ArrayList<>(typed.values());
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (HasMetadata o : typed.values()) {
            if (type.isInstance(o)) {
                out.add(type.cast(o));
            }
        }
        return out;
    }

    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(g -> kind.equals(g.getKind())).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String namespace, String name) {
        return all(type).stream()
                .filter(o -> name.equals(o.getMetadata().getName())
                        && (namespace == null || namespace.equals(o.getMetadata().getNamespace())))
                .findFirst()
                .orElseThrow(() -> new AssertionError(this.name + ": no " + type.getSimpleName() + " " + namespace
                        + "/" + name));
    }

    Deployment deployment(String name) {
        return one(Deployment.class, Repo.NAMESPACE, name);
    }

    /** The two overlays: what is applied to a cluster (the base alone lacks its Secrets and realm). */
    static List<Rendered> overlays() {
        return List.of(DEV, PROD);
    }

    ConfigMap configMap(String name) {
        return one(ConfigMap.class, Repo.NAMESPACE, name);
    }

    @Override
    public String toString() {
        return name;
    }
}
