package dev.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization as {@code kubectl kustomize} does, for the few features deploy/kubernetes uses:
 * {@code resources} (files and directories), {@code namespace}, {@code images} ({@code newName}, {@code newTag}) and
 * {@code patches} that are strategic merge patches by path (maps merge; lists of objects merge by {@code name},
 * new entries first, as kustomize orders them; other lists are replaced). No kubectl runs in CI, so the test renders
 * the overlay itself; any other field of a kustomization fails here rather than being ignored. Where kubectl is
 * installed, the test compares this rendering with its.
 */
final class Kustomization {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "images",
            "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private Kustomization() {
    }

    /** The objects {@code dir}'s kustomization.yaml renders to, in kustomize's order for these features. */
    static List<ObjectNode> render(Path dir) throws IOException {
        JsonNode kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!SUPPORTED.contains(field)) {
                throw new IllegalStateException(dir + "/kustomization.yaml uses " + field
                        + ", which this renderer does not implement: extend Kustomization or keep to " + SUPPORTED);
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            objects.addAll(Files.isDirectory(path) ? render(path) : documents(path));
        }
        for (JsonNode patch : kustomization.path("patches")) {
            if (patch.size() != 1 || !patch.has("path")) {
                throw new IllegalStateException("only strategic merge patches by path are rendered: " + patch);
            }
            for (ObjectNode document : documents(dir.resolve(patch.get("path").asText()))) {
                ObjectNode target = objects.stream().filter(o -> sameObject(o, document)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("patch " + patch + " matches no object: "
                                + document.path("kind").asText() + "/" + document.path("metadata").path("name")
                                        .asText()));
                merge(target, document);
            }
        }
        for (JsonNode image : kustomization.path("images")) {
            objects.forEach(o -> setImages(o, image));
        }
        if (kustomization.has("namespace")) {
            String namespace = kustomization.get("namespace").asText();
            objects.stream().filter(o -> !CLUSTER_SCOPED.contains(o.path("kind").asText()))
                    .forEach(o -> ((ObjectNode) o.with("metadata")).put("namespace", namespace));
        }
        return objects;
    }

    /** The YAML documents of one file. */
    static List<ObjectNode> documents(Path file) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isMissingNode() && !node.isNull()) {
                    out.add((ObjectNode) node);
                }
            }
        }
        return out;
    }

    private static boolean sameObject(JsonNode a, JsonNode b) {
        return a.path("kind").equals(b.path("kind")) && a.path("apiVersion").equals(b.path("apiVersion"))
                && a.path("metadata").path("name").equals(b.path("metadata").path("name"));
    }

    /** A strategic merge of {@code patch} into {@code target}. */
    private static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(field -> {
            if (field.getKey().startsWith("$")) {
                throw new IllegalStateException("patch directives are not rendered: " + field.getKey());
            }
            JsonNode current = target.get(field.getKey());
            JsonNode value = field.getValue();
            if (current instanceof ObjectNode object && value.isObject()) {
                merge(object, value);
            } else if (current instanceof ArrayNode list && value.isArray() && isNamedList(list)
                    && isNamedList(value)) {
                mergeByName(list, (ArrayNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        });
    }

    private static void mergeByName(ArrayNode target, ArrayNode patch) {
        List<JsonNode> added = new ArrayList<>();
        for (JsonNode item : patch) {
            JsonNode existing = null;
            for (JsonNode candidate : target) {
                if (candidate.get("name").equals(item.get("name"))) {
                    existing = candidate;
                }
            }
            if (existing == null) {
                added.add(item.deepCopy());
            } else {
                merge((ObjectNode) existing, item);
            }
        }
        for (int i = added.size() - 1; i >= 0; i--) {
            target.insert(0, added.get(i));
        }
    }

    private static boolean isNamedList(JsonNode list) {
        if (list.isEmpty()) {
            return false;
        }
        for (JsonNode item : list) {
            if (!item.isObject() || !item.has("name")) {
                return false;
            }
        }
        return true;
    }

    private static void setImages(JsonNode node, JsonNode image) {
        if (node instanceof ObjectNode object) {
            JsonNode current = object.get("image");
            if (current != null && current.isTextual() && (object.has("name"))) {
                String text = current.asText();
                int colon = text.lastIndexOf(':');
                String name = colon < 0 ? text : text.substring(0, colon);
                if (name.equals(image.path("name").asText())) {
                    String newName = image.has("newName") ? image.get("newName").asText() : name;
                    String newTag = image.has("newTag") ? image.get("newTag").asText()
                            : colon < 0 ? "" : text.substring(colon + 1);
                    object.set("image", new TextNode(newTag.isEmpty() ? newName : newName + ":" + newTag));
                }
            }
            object.elements().forEachRemaining(child -> setImages(child, image));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> setImages(child, image));
        }
    }
}
