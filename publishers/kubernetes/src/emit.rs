//! Text: Kubernetes objects to YAML files, through the project's one YAML writer.
//!
//! A file is the generated-file header, then its documents separated by `---`, each optionally
//! preceded by comment lines. Fields come in k8s-openapi's order (alphabetical), except that a
//! document starts with `apiVersion`, `kind`, `metadata`, and a list item with `name`, so that
//! `- name: web` heads each container, port, variable and volume, as people write them.
//!
//! Each object is written into its file's text as soon as it exists, so no copy of it is kept.

use std::borrow::Cow;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::{Metadata, Resource};
use serde::Serialize;

/// The key order of every Kubernetes document.
pub(crate) const ORDER: aspirec_yaml::KeyOrder = aspirec_yaml::KeyOrder {
    document: &["apiVersion", "kind", "metadata"],
    list_item: &["name"],
};

/// A file of Kubernetes objects, written as they come.
pub(crate) struct FileText {
    text: String,
    documents: usize,
}

impl FileText {
    /// [`FileText::new`] with room for `capacity` bytes, so that a file of the expected size
    /// is written without growing (and copying) its text again and again.
    pub(crate) fn with_capacity(header: &str, capacity: usize) -> FileText {
        let mut text = String::with_capacity(capacity);
        write_comment(&mut text, std::iter::once(header));
        FileText { text, documents: 0 }
    }

    /// Appends `object` as a document, under the `comment` lines.
    pub(crate) fn push<K>(
        &mut self,
        object: &K,
        comment: &[String],
    ) -> Result<(), aspirec_yaml::Error>
    where
        K: Resource + Metadata<Ty = ObjectMeta> + Serialize,
    {
        if self.documents > 0 {
            self.text.push_str("---\n");
        }
        write_comment(&mut self.text, comment.iter().map(String::as_str));
        aspirec_yaml::write_document(&mut self.text, object, ORDER)?;
        self.documents += 1;
        Ok(())
    }

    /// The length of the text so far.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// The text.
    pub(crate) fn finish(self) -> String {
        self.text
    }
}

/// `# line` for each line; a line break inside a line would end the comment, so it is split.
pub(crate) fn comment_lines(lines: &[String]) -> String {
    let mut out = String::new();
    write_comment(&mut out, lines.iter().map(String::as_str));
    out
}

/// [`comment_lines`], appended to `out`.
fn write_comment<'a>(out: &mut String, lines: impl Iterator<Item = &'a str>) {
    write_comment_with(out, "", lines, |line| Cow::Borrowed(line));
}

/// [`comment_lines`] under `indent`, each line's text passed through `text` (a Helm template
/// escapes it), appended to `out`. Controls (a `\r` would end a YAML comment), bidi overrides
/// and the like are shown escaped ([`ir::text::comment_safe`]).
pub(crate) fn write_comment_with<'a>(
    out: &mut String,
    indent: &str,
    lines: impl Iterator<Item = &'a str>,
    text: impl Fn(&str) -> Cow<'_, str>,
) {
    for line in lines {
        let safe = ir::text::comment_safe(line);
        for line in safe.split('\n') {
            out.push_str(indent);
            match line.trim_end() {
                "" => out.push_str("#\n"),
                line => {
                    out.push_str("# ");
                    out.push_str(&text(line));
                    out.push('\n');
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{ConfigMap, Container, ContainerPort, Pod, PodSpec};

    use super::*;

    #[test]
    fn objects_lead_with_their_type_and_list_items_with_their_name() {
        let mut file = FileText::with_capacity("header", 0);
        let config_map = ConfigMap {
            metadata: ObjectMeta {
                name: Some("cm".into()),
                ..ObjectMeta::default()
            },
            data: Some([("a".into(), "1".into()), ("name".into(), "2".into())].into()),
            ..ConfigMap::default()
        };
        file.push(&config_map, &["why".to_string(), String::new()])
            .unwrap();
        let pod = Pod {
            metadata: ObjectMeta::default(),
            spec: Some(PodSpec {
                containers: vec![Container {
                    image: Some("img".into()),
                    name: "web".into(),
                    ports: Some(vec![ContainerPort {
                        container_port: 80,
                        name: Some("http".into()),
                        ..ContainerPort::default()
                    }]),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }),
            ..Pod::default()
        };
        file.push(&pod, &[]).unwrap();
        let text = file.finish();
        assert_eq!(
            text,
            "# header\n# why\n#\napiVersion: \"v1\"\nkind: \"ConfigMap\"\nmetadata:\n  name: \"cm\"\ndata:\n  a: \"1\"\n  name: \"2\"\n---\napiVersion: \"v1\"\nkind: \"Pod\"\nmetadata: {}\nspec:\n  containers:\n    - name: \"web\"\n      image: \"img\"\n      ports:\n        - name: \"http\"\n          containerPort: 80\n"
        );
    }
}
