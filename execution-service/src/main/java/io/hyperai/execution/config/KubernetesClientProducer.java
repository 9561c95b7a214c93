package io.hyperai.execution.config;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** A client configured at run time (see {@link ExecutionConfig#apiServerUrl()}). */
public class KubernetesClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(ExecutionConfig config) {
        Config kube = config.apiServerUrl()
                .map(url -> new ConfigBuilder(Config.empty()).withMasterUrl(url).withTrustCerts(true)
                        .withNamespace(config.namespace()).build())
                .orElseGet(() -> new ConfigBuilder(Config.autoConfigure(null)).withNamespace(config.namespace()).build());
        return new KubernetesClientBuilder().withConfig(kube).build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
