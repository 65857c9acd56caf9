package dev.onboarding.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a CloudFormation template against CloudFormation's resource schemas, as {@code tools/cfn-spec} kept them
 * from the pinned {@code @aws-cdk/aws-service-spec} in {@code aws/cfn-resource-spec.json}: the template's
 * sections, parameters (types, attributes, patterns their defaults match), resource types, property names, types
 * and required properties, custom resources' {@code ServiceToken}, every intrinsic function and its targets
 * ({@code Ref}, {@code Fn::GetAtt} attributes, {@code Fn::Sub} placeholders, conditions, mappings),
 * {@code DependsOn}, outputs and the console's parameter groups. {@link #check} lists every problem it finds.
 *
 * <p>Hand-written because no CloudFormation validator can be had on the JVM here (cfn-lint is Python, and the
 * schemas come from npm); kept to what the shipped templates use and proven on broken copies of them.
 */
final class TemplateChecker {
    /** Class-path location of the kept schemas. */
    static final String RESOURCE = "/aws/cfn-resource-spec.json";

    private static final Set<String> SECTIONS = Set.of("AWSTemplateFormatVersion", "Description", "Metadata",
            "Parameters", "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Rules");
    private static final Set<String> PARAMETER_FIELDS = Set.of("Type", "Default", "Description", "AllowedPattern",
            "AllowedValues", "ConstraintDescription", "MinLength", "MaxLength", "MinValue", "MaxValue", "NoEcho");
    private static final Set<String> RESOURCE_FIELDS = Set.of("Type", "Properties", "DependsOn", "Metadata",
            "Condition", "DeletionPolicy", "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy");
    private static final Set<String> OUTPUT_FIELDS = Set.of("Value", "Description", "Export", "Condition");
    private static final Set<String> DELETION_POLICIES = Set.of("Delete", "Retain", "RetainExceptOnCreate",
            "Snapshot");
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs",
            "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final Set<String> SCALAR_TYPES = Set.of("String", "Number");
    private static final Pattern LIST_PARAMETER = Pattern.compile(
            "List<Number>|CommaDelimitedList|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>");
    private static final Pattern AWS_PARAMETER = Pattern.compile("AWS::[A-Za-z0-9]+(::[A-Za-z0-9]+)+");
    private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9]{1,255}");
    private static final Pattern CUSTOM_TYPE = Pattern.compile("Custom::[A-Za-z0-9_@-]{1,60}");
    private static final Pattern SUB_PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    /** What an expression yields, as far as type checks need to know. */
    private enum Kind { SCALAR, LIST, OBJECT, ANY }

    private final JsonNode spec;
    private final Set<String> resourceTypes = new HashSet<>();

    private TemplateChecker(JsonNode spec) {
        this.spec = spec;
        spec.path("resourceTypes").forEach(t -> resourceTypes.add(t.asText()));
    }

    /** A checker over the kept schemas. */
    static TemplateChecker load() {
        try (InputStream in = TemplateChecker.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: run tools/cfn-spec");
            }
            return new TemplateChecker(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which package version the schemas came from. */
    String source() {
        return spec.path("source").asText();
    }

    /** How many resource types CloudFormation has, by the kept list. */
    int resourceTypeCount() {
        return resourceTypes.size();
    }

    /** Every problem of {@code template}; empty when it passes. */
    List<String> check(JsonNode template) {
        return new Run(template).check();
    }

    /** One check of one template. */
    private final class Run {
        private final JsonNode template;
        private final List<String> problems = new ArrayList<>();
        private final Set<String> parameters = new HashSet<>();
        private final Set<String> resources = new HashSet<>();
        private final Set<String> conditions = new HashSet<>();
        private final Set<String> mappings = new HashSet<>();

        Run(JsonNode template) {
            this.template = template;
        }

        List<String> check() {
            if (!template.isObject()) {
                problems.add("the template is not a JSON object");
                return problems;
            }
            template.fieldNames().forEachRemaining(section -> {
                if (!SECTIONS.contains(section)) {
                    problems.add("unknown top-level section " + section);
                }
            });
            if (template.has("AWSTemplateFormatVersion")
                    && !"2010-09-09".equals(template.get("AWSTemplateFormatVersion").asText())) {
                problems.add("AWSTemplateFormatVersion must be 2010-09-09");
            }
            if (!template.path("Resources").isObject() || template.path("Resources").isEmpty()) {
                problems.add("Resources must be an object with at least one resource");
                return problems;
            }
            template.path("Parameters").fieldNames().forEachRemaining(parameters::add);
            template.path("Resources").fieldNames().forEachRemaining(resources::add);
            template.path("Conditions").fieldNames().forEachRemaining(conditions::add);
            template.path("Mappings").fieldNames().forEachRemaining(mappings::add);
            template.path("Parameters").fields().forEachRemaining(p -> checkParameter(p.getKey(), p.getValue()));
            template.path("Conditions").fields().forEachRemaining(c -> intrinsics(c.getValue(),
                    "Conditions." + c.getKey()));
            template.path("Resources").fields().forEachRemaining(r -> checkResource(r.getKey(), r.getValue()));
            template.path("Outputs").fields().forEachRemaining(o -> checkOutput(o.getKey(), o.getValue()));
            checkInterface(template.path("Metadata").path("AWS::CloudFormation::Interface"));
            return problems;
        }

        private void checkParameter(String name, JsonNode parameter) {
            String where = "Parameters." + name;
            logicalId(name, where);
            unknownFields(parameter, PARAMETER_FIELDS, where);
            String type = parameter.path("Type").asText("");
            boolean scalar = SCALAR_TYPES.contains(type);
            if (!scalar && !LIST_PARAMETER.matcher(type).matches() && !AWS_PARAMETER.matcher(type).matches()) {
                problems.add(where + ": Type '" + type + "' is not a parameter type");
            }
            JsonNode defaultValue = parameter.get("Default");
            Pattern pattern = null;
            if (parameter.has("AllowedPattern")) {
                try {
                    pattern = Pattern.compile(parameter.get("AllowedPattern").asText());
                } catch (PatternSyntaxException e) {
                    problems.add(where + ": AllowedPattern is not a regular expression: " + e.getDescription());
                }
            }
            if (defaultValue == null) {
                return;
            }
            String value = defaultValue.asText();
            if (pattern != null && !pattern.matcher(value).matches()) {
                problems.add(where + ": Default '" + value + "' does not match AllowedPattern");
            }
            if (parameter.has("MinLength") && value.length() < parameter.get("MinLength").asInt()
                    || parameter.has("MaxLength") && value.length() > parameter.get("MaxLength").asInt()) {
                problems.add(where + ": Default '" + value + "' is outside MinLength/MaxLength");
            }
            if (parameter.has("AllowedValues")) {
                boolean allowed = false;
                for (JsonNode v : parameter.get("AllowedValues")) {
                    allowed |= v.asText().equals(value);
                }
                if (!allowed) {
                    problems.add(where + ": Default '" + value + "' is not one of AllowedValues");
                }
            }
            if (type.equals("Number")) {
                try {
                    double number = Double.parseDouble(value);
                    if (parameter.has("MinValue") && number < parameter.get("MinValue").asDouble()
                            || parameter.has("MaxValue") && number > parameter.get("MaxValue").asDouble()) {
                        problems.add(where + ": Default " + value + " is outside MinValue/MaxValue");
                    }
                } catch (NumberFormatException e) {
                    problems.add(where + ": Default '" + value + "' is not a number");
                }
            }
        }

        private void checkResource(String name, JsonNode resource) {
            String where = "Resources." + name;
            logicalId(name, where);
            unknownFields(resource, RESOURCE_FIELDS, where);
            String type = resource.path("Type").asText("");
            JsonNode properties = resource.path("Properties");
            dependsOn(name, resource.path("DependsOn"), where);
            if (resource.has("Condition") && !conditions.contains(resource.get("Condition").asText())) {
                problems.add(where + ": Condition " + resource.get("Condition").asText() + " is not declared");
            }
            for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
                if (resource.has(policy) && !DELETION_POLICIES.contains(resource.get(policy).asText())) {
                    problems.add(where + ": " + policy + " '" + resource.get(policy).asText() + "' is not valid");
                }
            }
            if (!resource.path("Properties").isMissingNode() && !properties.isObject()) {
                problems.add(where + ": Properties must be an object");
                return;
            }
            intrinsics(properties, where + ".Properties");
            if (CUSTOM_TYPE.matcher(type).matches() || type.equals("AWS::CloudFormation::CustomResource")) {
                if (!properties.has("ServiceToken")) {
                    problems.add(where + ": a custom resource needs a ServiceToken");
                }
                return;
            }
            if (!resourceTypes.contains(type)) {
                problems.add(where + ": " + (type.isEmpty() ? "no Type" : "'" + type
                        + "' is not a CloudFormation resource type"));
                return;
            }
            JsonNode schema = spec.path("schemas").path(type);
            if (schema.isMissingNode()) {
                problems.add(where + ": no schema of " + type + " is kept: run tools/cfn-spec");
                return;
            }
            checkObject(properties, schema.path("properties"), schema.path("types"), where + ".Properties");
        }

        private void checkOutput(String name, JsonNode output) {
            String where = "Outputs." + name;
            logicalId(name, where);
            unknownFields(output, OUTPUT_FIELDS, where);
            if (!output.has("Value")) {
                problems.add(where + ": Value is missing");
            }
            if (output.has("Condition") && !conditions.contains(output.get("Condition").asText())) {
                problems.add(where + ": Condition " + output.get("Condition").asText() + " is not declared");
            }
            intrinsics(output, where);
        }

        private void checkInterface(JsonNode face) {
            if (face.isMissingNode()) {
                return;
            }
            String where = "Metadata.AWS::CloudFormation::Interface";
            unknownFields(face, Set.of("ParameterGroups", "ParameterLabels"), where);
            for (JsonNode group : face.path("ParameterGroups")) {
                unknownFields(group, Set.of("Label", "Parameters"), where + ".ParameterGroups");
                if (!group.path("Label").path("default").isTextual()) {
                    problems.add(where + ": a parameter group has no Label.default");
                }
                group.path("Parameters").forEach(p -> {
                    if (!parameters.contains(p.asText())) {
                        problems.add(where + ": group parameter " + p.asText() + " is not declared");
                    }
                });
            }
            face.path("ParameterLabels").fields().forEachRemaining(label -> {
                if (!parameters.contains(label.getKey())) {
                    problems.add(where + ": label of undeclared parameter " + label.getKey());
                }
                if (!label.getValue().path("default").isTextual()) {
                    problems.add(where + ": label of " + label.getKey() + " has no default");
                }
            });
        }

        private void dependsOn(String name, JsonNode dependsOn, String where) {
            if (dependsOn.isMissingNode()) {
                return;
            }
            for (JsonNode target : dependsOn.isArray() ? dependsOn : List.of(dependsOn)) {
                if (!target.isTextual() || !resources.contains(target.asText()) || target.asText().equals(name)) {
                    problems.add(where + ": DependsOn " + target + " is not another resource of the template");
                }
            }
        }

        // ---------------------------------------------------------------- property types

        private void checkObject(JsonNode value, JsonNode properties, JsonNode types, String where) {
            if (!value.isObject()) {
                problems.add(where + ": expected an object");
                return;
            }
            value.fields().forEachRemaining(field -> {
                JsonNode property = properties.get(field.getKey());
                if (property == null) {
                    problems.add(where + ": unknown property " + field.getKey());
                } else {
                    problems.addAll(typeProblems(field.getValue(), property.path("type"), types,
                            where + "." + field.getKey()));
                }
            });
            properties.fields().forEachRemaining(p -> {
                if (p.getValue().path("required").asBoolean() && !value.has(p.getKey())) {
                    problems.add(where + ": required property " + p.getKey() + " is missing");
                }
            });
        }

        /** What is wrong with {@code value} as a {@code type}; intrinsic functions count as what they yield. */
        private List<String> typeProblems(JsonNode value, JsonNode type, JsonNode types, String where) {
            List<String> found = new ArrayList<>();
            String kind = type.path("type").asText();
            Kind yields = intrinsicKind(value);
            if (yields != null) {
                boolean fits = switch (kind) {
                    case "json", "union" -> true;
                    case "array" -> yields == Kind.LIST || yields == Kind.ANY;
                    case "ref", "map", "tag" -> yields == Kind.OBJECT || yields == Kind.ANY;
                    default -> yields == Kind.SCALAR || yields == Kind.ANY;
                };
                if (!fits) {
                    found.add(where + ": " + value.fieldNames().next() + " does not yield " + describe(type));
                }
                return found;
            }
            switch (kind) {
                case "string", "date-time" -> {
                    if (!value.isValueNode() || value.isNull()) {
                        found.add(where + ": expected " + describe(type) + ", got " + value.getNodeType());
                    }
                }
                case "integer" -> {
                    if (!(value.isIntegralNumber() || value.isTextual() && value.asText().matches("-?\\d+"))) {
                        found.add(where + ": expected an integer, got " + value);
                    }
                }
                case "number" -> {
                    if (!(value.isNumber() || value.isTextual() && value.asText().matches("-?\\d+(\\.\\d+)?"))) {
                        found.add(where + ": expected a number, got " + value);
                    }
                }
                case "boolean" -> {
                    if (!(value.isBoolean() || value.isTextual() && value.asText().matches("true|false"))) {
                        found.add(where + ": expected a boolean, got " + value);
                    }
                }
                case "json" -> {
                    if (!value.isContainerNode() && !value.isTextual()) {
                        found.add(where + ": expected a JSON object, got " + value.getNodeType());
                    }
                }
                case "array" -> {
                    if (!value.isArray()) {
                        found.add(where + ": expected a list, got " + value.getNodeType());
                    } else {
                        for (int i = 0; i < value.size(); i++) {
                            found.addAll(typeProblems(value.get(i), type.path("element"), types, where + "[" + i + "]"));
                        }
                    }
                }
                case "map" -> {
                    if (!value.isObject()) {
                        found.add(where + ": expected a map, got " + value.getNodeType());
                    } else {
                        value.fields().forEachRemaining(e -> found.addAll(typeProblems(e.getValue(),
                                type.path("element"), types, where + "." + e.getKey())));
                    }
                }
                case "tag" -> {
                    if (!value.isObject() || !value.has("Key") || !value.has("Value") || value.size() != 2) {
                        found.add(where + ": expected a tag {Key, Value}");
                    }
                }
                case "ref" -> {
                    JsonNode def = types.path(type.path("name").asText());
                    Run nested = new Run(template);
                    nested.checkObject(value, def.path("properties"), types, where);
                    found.addAll(nested.problems);
                }
                case "union" -> {
                    List<String> closest = null;
                    for (JsonNode option : type.path("types")) {
                        List<String> attempt = typeProblems(value, option, types, where);
                        if (attempt.isEmpty()) {
                            return attempt;
                        }
                        closest = closest == null || attempt.size() < closest.size() ? attempt : closest;
                    }
                    found.add(where + ": matches none of " + describe(type)
                            + (closest == null ? "" : " (" + String.join("; ", closest) + ")"));
                }
                default -> found.add(where + ": the kept schema has an unknown type " + kind);
            }
            return found;
        }

        private String describe(JsonNode type) {
            String kind = type.path("type").asText();
            return switch (kind) {
                case "array" -> "a list of " + describe(type.path("element"));
                case "map" -> "a map of " + describe(type.path("element"));
                case "ref" -> "a " + type.path("name").asText();
                case "union" -> {
                    List<String> options = new ArrayList<>();
                    type.path("types").forEach(t -> options.add(describe(t)));
                    yield String.join(" or ", options);
                }
                default -> "a " + kind;
            };
        }

        // ---------------------------------------------------------------- intrinsic functions

        /** What the intrinsic function {@code value} is yields; null when it is no intrinsic function. */
        private Kind intrinsicKind(JsonNode value) {
            if (!value.isObject() || value.size() != 1) {
                return null;
            }
            String function = value.fieldNames().next();
            JsonNode argument = value.get(function);
            return switch (function) {
                case "Ref" -> {
                    String target = argument.asText();
                    JsonNode parameter = template.path("Parameters").path(target);
                    if (target.equals("AWS::NoValue")) {
                        yield Kind.ANY;
                    }
                    if (target.equals("AWS::NotificationARNs")) {
                        yield Kind.LIST;
                    }
                    yield !parameter.isMissingNode() && !SCALAR_TYPES.contains(parameter.path("Type").asText())
                            && !AWS_PARAMETER.matcher(parameter.path("Type").asText()).matches()
                            ? Kind.LIST : Kind.SCALAR;
                }
                case "Fn::GetAtt" -> {
                    JsonNode attribute = attributeType(argument);
                    yield attribute == null ? Kind.ANY
                            : attribute.path("type").asText().equals("array") ? Kind.LIST : Kind.SCALAR;
                }
                case "Fn::Sub", "Fn::Join", "Fn::Base64", "Fn::ImportValue" -> Kind.SCALAR;
                case "Fn::Split", "Fn::GetAZs", "Fn::Cidr" -> Kind.LIST;
                case "Fn::If", "Fn::Select", "Fn::FindInMap" -> Kind.ANY;
                default -> function.startsWith("Fn::") ? Kind.ANY : null;
            };
        }

        /** Checks every intrinsic function inside {@code node} and its targets. */
        private void intrinsics(JsonNode node, String where) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    intrinsics(node.get(i), where + "[" + i + "]");
                }
                return;
            }
            if (!node.isObject()) {
                return;
            }
            if (node.size() == 1) {
                String function = node.fieldNames().next();
                if (function.equals("Ref") || function.startsWith("Fn::") || function.equals("Condition")) {
                    intrinsic(function, node.get(function), where);
                    return;
                }
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                intrinsics(field.getValue(), where + "." + field.getKey());
            }
        }

        private void intrinsic(String function, JsonNode argument, String where) {
            String at = where + ": " + function;
            switch (function) {
                case "Ref" -> {
                    if (!argument.isTextual() || !refTarget(argument.asText())) {
                        problems.add(at + " " + argument + " is no parameter, resource or pseudo parameter");
                    }
                }
                case "Fn::GetAtt" -> {
                    if (attributeType(argument) == null && !customAttribute(argument)) {
                        problems.add(at + " " + argument + " names no attribute of a resource of the template");
                    }
                }
                case "Fn::Sub" -> sub(argument, at);
                case "Fn::Join" -> {
                    if (!argument.isArray() || argument.size() != 2 || !argument.get(0).isTextual()) {
                        problems.add(at + " takes [delimiter, list]");
                    } else {
                        intrinsics(argument.get(1), where);
                    }
                }
                case "Fn::Select", "Fn::Split" -> {
                    if (!argument.isArray() || argument.size() != 2) {
                        problems.add(at + " takes two arguments");
                    } else {
                        intrinsics(argument, where);
                    }
                }
                case "Fn::If" -> {
                    if (!argument.isArray() || argument.size() != 3 || !conditions.contains(argument.get(0).asText())) {
                        problems.add(at + " takes [declared condition, value, value]");
                    } else {
                        intrinsics(argument.get(1), where);
                        intrinsics(argument.get(2), where);
                    }
                }
                case "Fn::FindInMap" -> {
                    if (!argument.isArray() || argument.size() != 3
                            || argument.get(0).isTextual() && !mappings.contains(argument.get(0).asText())) {
                        problems.add(at + " takes [declared mapping, key, key]");
                    } else {
                        intrinsics(argument, where);
                    }
                }
                case "Condition" -> {
                    if (!conditions.contains(argument.asText())) {
                        problems.add(at + " " + argument + " is not declared");
                    }
                }
                case "Fn::Base64", "Fn::GetAZs", "Fn::ImportValue", "Fn::Cidr", "Fn::Equals", "Fn::And", "Fn::Or",
                        "Fn::Not" -> intrinsics(argument, where);
                default -> problems.add(at + " is not an intrinsic function this checker knows");
            }
        }

        private void sub(JsonNode argument, String at) {
            String text;
            Set<String> variables = new HashSet<>();
            if (argument.isTextual()) {
                text = argument.asText();
            } else if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual()
                    && argument.get(1).isObject()) {
                text = argument.get(0).asText();
                argument.get(1).fieldNames().forEachRemaining(variables::add);
                intrinsics(argument.get(1), at);
            } else {
                problems.add(at + " takes a string or [string, {variables}]");
                return;
            }
            Matcher m = SUB_PLACEHOLDER.matcher(text);
            while (m.find()) {
                String name = m.group(1);
                if (name.startsWith("!") || variables.contains(name) || refTarget(name)) {
                    continue;
                }
                int dot = name.indexOf('.');
                JsonNode asGetAtt = dot < 0 ? null
                        : new ObjectMapper().createArrayNode().add(name.substring(0, dot)).add(name.substring(dot + 1));
                if (asGetAtt == null || attributeType(asGetAtt) == null && !customAttribute(asGetAtt)) {
                    problems.add(at + " placeholder ${" + name + "} names nothing of the template");
                }
            }
        }

        private boolean refTarget(String name) {
            return parameters.contains(name) || resources.contains(name) || PSEUDO_PARAMETERS.contains(name);
        }

        /** The spec type of a {@code Fn::GetAtt} of an AWS resource type; null when there is none. */
        private JsonNode attributeType(JsonNode argument) {
            String[] target = getAttTarget(argument);
            if (target == null) {
                return null;
            }
            String type = template.path("Resources").path(target[0]).path("Type").asText("");
            JsonNode attribute = spec.path("schemas").path(type).path("attributes").get(target[1]);
            return attribute;
        }

        /** Whether a {@code Fn::GetAtt} names a custom resource of the template (any attribute of its Data). */
        private boolean customAttribute(JsonNode argument) {
            String[] target = getAttTarget(argument);
            if (target == null) {
                return false;
            }
            String type = template.path("Resources").path(target[0]).path("Type").asText("");
            return CUSTOM_TYPE.matcher(type).matches() || type.equals("AWS::CloudFormation::CustomResource");
        }

        private String[] getAttTarget(JsonNode argument) {
            if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual()
                    && argument.get(1).isTextual()) {
                return new String[] {argument.get(0).asText(), argument.get(1).asText()};
            }
            if (argument.isTextual() && argument.asText().contains(".")) {
                String text = argument.asText();
                return new String[] {text.substring(0, text.indexOf('.')), text.substring(text.indexOf('.') + 1)};
            }
            return null;
        }

        private void logicalId(String name, String where) {
            if (!LOGICAL_ID.matcher(name).matches()) {
                problems.add(where + ": a logical id is 1-255 letters and digits");
            }
        }

        private void unknownFields(JsonNode node, Set<String> known, String where) {
            if (!node.isObject()) {
                problems.add(where + ": expected an object");
                return;
            }
            node.fieldNames().forEachRemaining(field -> {
                if (!known.contains(field)) {
                    problems.add(where + ": unknown field " + field);
                }
            });
        }
    }
}
