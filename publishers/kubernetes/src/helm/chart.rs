//! The chart's own files: `Chart.yaml`, the helper templates (`_helpers.tpl`), and the rules
//! for its version.

use serde_json::json;

use super::escape;

/// The chart version when neither `--chart-version` nor a SemVer tag gives one.
pub(crate) const DEFAULT_VERSION: &str = "0.1.0";

/// The chart's version: `--chart-version`, else the model's tag when it is a SemVer 2 version
/// (as Helm requires), else [`DEFAULT_VERSION`].
pub(crate) fn version<'a>(given: Option<&'a str>, tag: &'a str) -> &'a str {
    match given {
        Some(version) => version,
        None if valid_version(tag) => tag,
        None => DEFAULT_VERSION,
    }
}

/// `Chart.yaml`.
pub(crate) fn chart_yaml(
    header: &str,
    name: &str,
    version: &str,
    app_version: &str,
) -> Result<String, aspirec_yaml::Error> {
    let mut out = format!("# {header}\n");
    let chart = json!({
        "apiVersion": "v2",
        "name": name,
        "description": format!("The {name} application, compiled by aspirec"),
        "type": "application",
        "version": version,
        "appVersion": app_version,
    });
    aspirec_yaml::write_document(&mut out, &chart, aspirec_yaml::KeyOrder::AS_SERIALIZED)?;
    Ok(out)
}

/// `templates/_helpers.tpl`: the chart label, an image reference from its parts, and whether
/// the chart creates the Secret (any secret value given).
pub(crate) fn helpers(header: &str, chart: &str) -> String {
    let name = |helper: &str| escape::go_string(&format!("{chart}.{helper}"));
    format!(
        "{{{{/* {header} */}}}}\n\
         \n\
         {{{{/* The chart label: name and version, without the `+` a label value cannot hold. */}}}}\n\
         {{{{- define {chart_label} -}}}}\n\
         {{{{ printf \"%s-%s\" .Chart.Name .Chart.Version | replace \"+\" \"_\" | trunc 63 | trimSuffix \"-\" }}}}\n\
         {{{{- end }}}}\n\
         \n\
         {{{{/* An image reference from its parts: [registry/]repository[:tag][@digest]. */}}}}\n\
         {{{{- define {image} -}}}}\n\
         {{{{- with .registry }}}}{{{{ . }}}}/{{{{ end }}}}{{{{ .repository }}}}{{{{ with .tag }}}}:{{{{ . }}}}{{{{ end }}}}{{{{ with .digest }}}}@{{{{ . }}}}{{{{ end }}}}\n\
         {{{{- end }}}}\n\
         \n\
         {{{{/* Not empty when a secret value is given: the chart then creates the Secret. */}}}}\n\
         {{{{- define {create} -}}}}\n\
         {{{{- range .Values.secrets }}}}{{{{ if . }}}}true{{{{ end }}}}{{{{ end }}}}\n\
         {{{{- end }}}}\n",
        header = escape::comment(header),
        chart_label = name("chart"),
        image = name("image"),
        create = name("createSecret"),
    )
}

/// Whether `version` is a SemVer 2 version (`MAJOR.MINOR.PATCH[-PRE][+BUILD]`), as Helm
/// requires of a chart's version.
pub fn valid_version(version: &str) -> bool {
    let (rest, build) = match version.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (version, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    };
    let identifier = |part: &str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let core_ok = {
        let parts: Vec<&str> = core.split('.').collect();
        parts.len() == 3 && parts.iter().all(|p| numeric(p))
    };
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.')
            .all(|p| identifier(p) && (!p.bytes().all(|b| b.is_ascii_digit()) || numeric(p)))
    });
    let build_ok = build.is_none_or(|build| build.split('.').all(identifier));
    core_ok && pre_ok && build_ok
}

/// Whether `text` can be a label value: at most 63 characters, alphanumerics, `-`, `_` and
/// `.`, beginning and ending with an alphanumeric.
pub(crate) fn valid_label_value(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() <= 63
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_semver_2() {
        for good in [
            "0.1.0",
            "1.4.2",
            "10.0.0-rc.1",
            "1.0.0-alpha-1+build.5",
            "1.0.0+0a",
        ] {
            assert!(valid_version(good), "{good}");
        }
        for bad in [
            "latest", "1.2", "v1.2.3", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", "",
        ] {
            assert!(!valid_version(bad), "{bad}");
        }
        assert_eq!(version(None, "1.4.2"), "1.4.2");
        assert_eq!(version(None, "latest"), DEFAULT_VERSION);
        assert_eq!(version(Some("2.0.0"), "1.4.2"), "2.0.0");
    }

    #[test]
    fn label_values() {
        assert!(valid_label_value("1.4.2"));
        assert!(valid_label_value("latest"));
        assert!(!valid_label_value("_x"));
        assert!(!valid_label_value(&"a".repeat(64)));
    }
}
