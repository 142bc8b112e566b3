//! Text: Kubernetes objects to YAML files, through the project's one YAML writer.
//!
//! A file is the generated-file header, then its documents separated by `---`, each optionally
//! preceded by comment lines. Fields come in k8s-openapi's order (alphabetical), except that a
//! document starts with `apiVersion`, `kind`, `metadata`, and a list item with `name`, so that
//! `- name: web` heads each container, port, variable and volume, as people write them.

use serde::Serialize;
use serde_json::{Map, Value};

/// One YAML document with the comment lines above it.
pub(crate) struct Document {
    comment: Vec<String>,
    body: Value,
}

impl Document {
    pub(crate) fn new(object: &impl Serialize) -> Result<Document, serde_json::Error> {
        let mut body = serde_json::to_value(object)?;
        names_first(&mut body, false);
        if let Value::Object(map) = &mut body {
            lead_with(map, &["apiVersion", "kind", "metadata"]);
        }
        Ok(Document {
            comment: Vec::new(),
            body,
        })
    }

    pub(crate) fn with_comment(mut self, lines: Vec<String>) -> Document {
        self.comment = lines;
        self
    }

    /// The object's kind and name.
    pub(crate) fn identity(&self) -> Option<(String, String)> {
        let kind = self.body.get("kind")?.as_str()?;
        let name = self.body.get("metadata")?.get("name")?.as_str()?;
        Some((kind.to_string(), name.to_string()))
    }
}

/// A file of documents, starting with the header comment.
pub(crate) fn file(header: &str, documents: &[Document]) -> String {
    let mut out = String::new();
    write_comment(&mut out, std::iter::once(header));
    for (index, document) in documents.iter().enumerate() {
        if index > 0 {
            out.push_str("---\n");
        }
        write_comment(&mut out, document.comment.iter().map(String::as_str));
        aspirec_yaml::write_document(&mut out, &document.body);
    }
    out
}

/// `# line` for each line; a line break inside a line would end the comment, so it is split.
pub(crate) fn comment_lines(lines: &[String]) -> String {
    let mut out = String::new();
    write_comment(&mut out, lines.iter().map(String::as_str));
    out
}

/// [`comment_lines`], appended to `out`.
fn write_comment<'a>(out: &mut String, lines: impl Iterator<Item = &'a str>) {
    for line in lines.flat_map(|line| line.split('\n')) {
        match line.trim_end() {
            "" => out.push_str("#\n"),
            text => {
                out.push_str("# ");
                out.push_str(text);
                out.push('\n');
            }
        }
    }
}

/// Moves `keys` (those present) to the front of `map`, in that order, in place: this runs
/// for every list item of every object.
fn lead_with(map: &mut Map<String, Value>, keys: &[&str]) {
    let mut front = 0;
    for key in keys {
        if let Some((key, value)) = map.shift_remove_entry(*key) {
            // `front` keys are already in place and still in the map, so `front <= len`:
            // the insertion cannot be out of bounds.
            map.shift_insert(front, key, value);
            front += 1;
        }
    }
}

fn names_first(value: &mut Value, in_list: bool) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                names_first(child, false);
            }
            if in_list {
                lead_with(map, &["name"]);
            }
        }
        Value::Array(items) => {
            for item in items {
                names_first(item, true);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_lead_list_items_only() {
        let doc = Document::new(&json!({"data": {"a": "1", "name": "2"}, "ports": [{"containerPort": 80, "name": "http"}]}))
            .unwrap()
            .with_comment(vec!["why".to_string(), String::new()]);
        let text = file("header", &[doc]);
        assert_eq!(
            text,
            "# header\n# why\n#\ndata:\n  a: \"1\"\n  name: \"2\"\nports:\n  - name: \"http\"\n    containerPort: 80\n"
        );
    }
}
