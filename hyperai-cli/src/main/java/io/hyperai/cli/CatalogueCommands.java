package io.hyperai.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

final class CatalogueCommands {

    private CatalogueCommands() {
    }

    @Command(name = "specs", description = "The compute specs a gear may use, with their prices.")
    static final class Specs extends Base {

        @Option(names = "--all", description = "Include retired specs.")
        boolean all;

        Specs(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode specs = api().get("gear", "/api/v1/compute-specs" + (all ? "?includeRetired=true" : ""));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode s : items(specs)) {
                int gpus = s.path("gpuCount").asInt();
                rows.add(row(s.path("id").asText(), s.path("kind").asText(), s.path("vcpu").asText(),
                        Format.size(s.path("memoryMib").asLong() * 1024 * 1024),
                        Format.size(s.path("diskGib").asLong() * 1024 * 1024 * 1024),
                        gpus == 0 ? "-" : gpus + " x " + s.path("gpuModel").asText(),
                        Format.money(s.path("pricePerHourMinor").asLong(), text(s, "currency")) + "/h"));
            }
            return show(specs, List.of("ID", "KIND", "VCPU", "MEMORY", "DISK", "GPU", "PRICE"), rows);
        }
    }

    @Command(name = "images", description = "The framework images a gear may use.")
    static final class Images extends Base {

        @Option(names = "--all", description = "Include retired images.")
        boolean all;

        Images(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode images = api().get("gear", "/api/v1/images" + (all ? "?includeRetired=true" : ""));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode i : items(images)) {
                rows.add(row(text(i, "id"), text(i, "framework"), text(i, "version"),
                        text(i, "build"), text(i, "imageRef")));
            }
            return show(images, List.of("ID", "FRAMEWORK", "VERSION", "BUILD", "IMAGE"), rows);
        }
    }
}
