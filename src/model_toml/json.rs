//! The JSON Schema (draft 2020-12) of `model.toml`, generated from [`super::schema`].
//!
//! Editors (taplo, Even Better TOML) use it for completion and checking. It is derived from
//! the same description as the compiler's own schema check, so the two cannot drift; it
//! states a little more than the compiler checks at this stage (port and replica ranges,
//! the name pattern), where `ir` reports those with its own codes.

use serde_json::{Map, Value, json};

use super::schema::{self, Field, Keys, NAME_MAX, NAME_PATTERN, RESOURCE_TYPES, Shape, TableShape};

/// The whole schema.
pub(crate) fn schema() -> Value {
    let mut definitions = Map::new();
    definitions.insert("resource".to_string(), resource());
    definitions.insert("resource-override".to_string(), resource_override());
    for resource_type in RESOURCE_TYPES {
        let mut definition = table(&resource_type.table, Some(resource_type.name));
        describe(&mut definition, resource_type.doc);
        definitions.insert(definition_name(resource_type.name), definition);
    }
    let mut root = table(&schema::MODEL, None);
    if let Value::Object(root) = &mut root {
        let mut head = Map::new();
        head.insert(
            "$schema".to_string(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert("title".to_string(), json!("aspirec model.toml"));
        head.insert(
            "description".to_string(),
            json!("An app model for aspirec, format version 1."),
        );
        head.append(root);
        head.insert("$defs".to_string(), Value::Object(definitions));
        return Value::Object(head);
    }
    root
}

fn definition_name(resource_type: &str) -> String {
    format!("resource-{resource_type}")
}

/// A resource: `type` is required and selects the definition of that type.
fn resource() -> Value {
    let names: Vec<_> = RESOURCE_TYPES.iter().map(|t| t.name).collect();
    let variants: Vec<Value> = RESOURCE_TYPES
        .iter()
        .map(|t| {
            json!({
                "if": { "properties": { "type": { "const": t.name } }, "required": ["type"] },
                "then": { "$ref": format!("#/$defs/{}", definition_name(t.name)) },
            })
        })
        .collect();
    json!({
        "type": "object",
        "required": ["type"],
        "properties": { "type": { "description": "The kind of resource.", "enum": names } },
        "allOf": variants,
    })
}

/// An environment's override of a resource: any key of any resource type, none required
/// (the compiler checks them against the overridden resource's type).
fn resource_override() -> Value {
    let mut properties = Map::new();
    for field in RESOURCE_TYPES.iter().flat_map(|t| t.table.fields) {
        if !properties.contains_key(field.key) {
            properties.insert(field.key.to_string(), property(field, None));
        }
    }
    json!({ "type": "object", "properties": properties, "additionalProperties": false })
}

/// A table with a fixed set of keys; `tag` is the resource type whose table this is.
fn table(shape: &TableShape, tag: Option<&str>) -> Value {
    let properties: Map<String, Value> = shape
        .fields
        .iter()
        .map(|field| (field.key.to_string(), property(field, tag)))
        .collect();
    let required: Vec<_> = shape
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    let mut object = Map::new();
    object.insert("type".to_string(), json!("object"));
    object.insert("properties".to_string(), Value::Object(properties));
    object.insert("additionalProperties".to_string(), json!(false));
    if !required.is_empty() {
        object.insert("required".to_string(), json!(required));
    }
    if !shape.requires.is_empty() {
        let alternatives: Vec<Value> = shape
            .requires
            .iter()
            .map(|set| json!({ "required": set }))
            .collect();
        object.insert("anyOf".to_string(), json!(alternatives));
    }
    if !shape.conflicts.is_empty() {
        let exclusions: Vec<Value> = shape
            .conflicts
            .iter()
            .map(|pair| json!({ "not": { "required": pair } }))
            .collect();
        object.insert("allOf".to_string(), json!(exclusions));
    }
    Value::Object(object)
}

fn property(field: &Field, tag: Option<&str>) -> Value {
    let mut value = shape(&field.shape, tag);
    describe(&mut value, field.doc);
    value
}

fn describe(value: &mut Value, doc: &str) {
    if let Value::Object(object) = value {
        if !doc.is_empty() {
            object.insert("description".to_string(), json!(doc));
        }
    }
}

fn shape(shape: &Shape, tag: Option<&str>) -> Value {
    match shape {
        Shape::String | Shape::Template => json!({ "type": "string" }),
        Shape::Enum(values) => json!({ "type": "string", "enum": values }),
        Shape::Integer { min, max } => {
            let mut object = Map::new();
            object.insert("type".to_string(), json!("integer"));
            if let Some(min) = min {
                object.insert("minimum".to_string(), json!(min));
            }
            if let Some(max) = max {
                object.insert("maximum".to_string(), json!(max));
            }
            Value::Object(object)
        }
        Shape::Count => json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX }),
        Shape::Bool => json!({ "type": "boolean" }),
        Shape::Any => json!({}),
        Shape::Array(items) => json!({ "type": "array", "items": self::shape(items, tag) }),
        Shape::Table(table_shape) => table(table_shape, None),
        Shape::Map { keys, values } => {
            let mut object = Map::new();
            object.insert("type".to_string(), json!("object"));
            if matches!(keys, Keys::Name) {
                object.insert(
                    "propertyNames".to_string(),
                    json!({ "pattern": NAME_PATTERN, "maxLength": NAME_MAX }),
                );
            }
            object.insert(
                "additionalProperties".to_string(),
                self::shape(values, None),
            );
            Value::Object(object)
        }
        Shape::Either(alternatives) => {
            let alternatives: Vec<Value> =
                alternatives.iter().map(|a| self::shape(a, tag)).collect();
            json!({ "anyOf": alternatives })
        }
        Shape::Target => json!({
            "type": "string",
            "enum": crate::targets::all().iter().map(|t| t.id()).collect::<Vec<_>>(),
        }),
        Shape::Resource => json!({ "$ref": "#/$defs/resource" }),
        Shape::ResourceOverride => json!({ "$ref": "#/$defs/resource-override" }),
        Shape::Tag => match tag {
            Some(name) => json!({ "const": name }),
            None => json!({ "enum": RESOURCE_TYPES.iter().map(|t| t.name).collect::<Vec<_>>() }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_resource_types_and_their_keys() {
        let schema = schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["required"], json!(["name"]));
        assert_eq!(schema["additionalProperties"], json!(false));
        let redis = &schema["$defs"]["resource-redis"];
        assert_eq!(
            redis["properties"]["type"],
            json!({ "const": "redis", "description": "The kind of resource." })
        );
        assert!(redis["properties"].get("databases").is_none());
        assert!(
            schema["$defs"]["resource-postgres"]["properties"]
                .get("databases")
                .is_some()
        );
        let container = &schema["$defs"]["resource-container"];
        assert_eq!(
            container["anyOf"],
            json!([{ "required": ["image"] }, { "required": ["build"] }])
        );
        assert_eq!(
            container["allOf"],
            json!([{ "not": { "required": ["image", "build"] } }])
        );
        let port =
            &container["properties"]["endpoints"]["additionalProperties"]["properties"]["port"];
        assert_eq!(port["maximum"], 65535);
    }

    #[test]
    fn every_reference_resolves() {
        let schema = schema();
        let text = schema.to_string();
        for reference in text.split("\"$ref\":\"#/$defs/").skip(1) {
            let name = reference.split('"').next().unwrap_or_default();
            assert!(
                schema["$defs"].get(name).is_some(),
                "dangling $ref to {name}"
            );
        }
    }
}
