//! RFC 6902 operations on a JSON document: `add`, `remove`, `replace`, `move`, `copy` and
//! `test`, with RFC 6901 pointers (`-` appends to a list). Each operation reports the places
//! it writes or deletes, like a merge ([`super::merge`]).

use serde_json::Value;

use crate::parts;

/// Why an operation could not be applied, in words for a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError(pub String);

/// Applies one operation; `touched` receives the pointers it writes or deletes (a `move`
/// both).
pub fn apply_op(
    document: &mut Value,
    op: &str,
    path: &str,
    from: Option<&str>,
    value: Option<&Value>,
    touched: &mut Vec<String>,
) -> Result<(), OpError> {
    let at = parts(path).ok_or_else(|| {
        OpError(format!(
            "`{path}` is not a JSON pointer (it starts with `/`)"
        ))
    })?;
    let needs_value = || {
        value
            .cloned()
            .ok_or_else(|| OpError(format!("`{op}` needs a `value`")))
    };
    let needs_from = || {
        let from = from.ok_or_else(|| OpError(format!("`{op}` needs a `from`")))?;
        parts(from).ok_or_else(|| {
            OpError(format!(
                "`{from}` is not a JSON pointer (it starts with `/`)"
            ))
        })
    };
    match op {
        "add" => add(document, &at, needs_value()?, touched),
        "remove" => remove(document, &at, touched).map(drop),
        "replace" => {
            let value = needs_value()?;
            let place = get_mut(document, &at)?;
            *place = value;
            touched.push(path.to_string());
            Ok(())
        }
        "move" => {
            let from = needs_from()?;
            if at.len() > from.len() && at[..from.len()] == from[..] {
                return Err(OpError("a value cannot be moved into itself".to_string()));
            }
            let value = remove(document, &from, touched)?;
            add(document, &at, value, touched)
        }
        "copy" => {
            let from = needs_from()?;
            let value = get_mut(document, &from)?.clone();
            add(document, &at, value, touched)
        }
        "test" => {
            let expected = needs_value()?;
            let found = get_mut(document, &at)?;
            if *found == expected {
                Ok(())
            } else {
                Err(OpError(format!("`{path}` is {found}, not {expected}")))
            }
        }
        other => Err(OpError(format!("`{other}` is not an RFC 6902 operation"))),
    }
}

fn missing(parts: &[String]) -> OpError {
    OpError(format!("`{}` does not exist", crate::pointer(parts)))
}

fn get_mut<'v>(document: &'v mut Value, at: &[String]) -> Result<&'v mut Value, OpError> {
    let mut node = document;
    for (depth, part) in at.iter().enumerate() {
        node = match node {
            Value::Object(map) => map.get_mut(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
        }
        .ok_or_else(|| missing(&at[..=depth]))?;
    }
    Ok(node)
}

fn add(
    document: &mut Value,
    at: &[String],
    value: Value,
    touched: &mut Vec<String>,
) -> Result<(), OpError> {
    let Some((last, parent)) = at.split_last() else {
        *document = value;
        touched.push(String::new());
        return Ok(());
    };
    let written = match get_mut(document, parent)? {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            last.clone()
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|index| *index <= items.len())
                    .ok_or_else(|| missing(at))?
            };
            items.insert(index, value);
            index.to_string()
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            return Err(OpError(format!(
                "`{}` holds no map or list",
                crate::pointer(parent)
            )));
        }
    };
    let mut path = parent.to_vec();
    path.push(written);
    touched.push(crate::pointer(&path));
    Ok(())
}

fn remove(
    document: &mut Value,
    at: &[String],
    touched: &mut Vec<String>,
) -> Result<Value, OpError> {
    let (last, parent) = at
        .split_last()
        .ok_or_else(|| OpError("the whole object cannot be removed".to_string()))?;
    let removed = match get_mut(document, parent)? {
        Value::Object(map) => map.shift_remove(last),
        Value::Array(items) => last
            .parse::<usize>()
            .ok()
            .filter(|index| *index < items.len())
            .map(|index| items.remove(index)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
    }
    .ok_or_else(|| missing(at))?;
    touched.push(crate::pointer(at));
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(
        document: &mut Value,
        op: &str,
        path: &str,
        from: Option<&str>,
        value: Option<Value>,
    ) -> Result<Vec<String>, OpError> {
        let mut touched = Vec::new();
        apply_op(document, op, path, from, value.as_ref(), &mut touched).map(|()| touched)
    }

    #[test]
    fn the_six_operations() {
        let mut doc = json!({"a": {"b": [1, 2]}, "c": "x"});
        assert_eq!(
            run(&mut doc, "add", "/a/b/-", None, Some(json!(3))),
            Ok(vec!["/a/b/2".to_string()])
        );
        assert_eq!(
            run(&mut doc, "add", "/a/b/0", None, Some(json!(0))),
            Ok(vec!["/a/b/0".to_string()])
        );
        run(&mut doc, "replace", "/c", None, Some(json!("y"))).unwrap();
        run(&mut doc, "copy", "/d", Some("/c"), None).unwrap();
        run(&mut doc, "move", "/e", Some("/a/b"), None).unwrap();
        run(&mut doc, "remove", "/c", None, None).unwrap();
        assert_eq!(doc, json!({"a": {}, "d": "y", "e": [0, 1, 2, 3]}));
        assert!(run(&mut doc, "test", "/d", None, Some(json!("y"))).is_ok());
        assert_eq!(
            run(&mut doc, "test", "/d", None, Some(json!("z"))),
            Err(OpError("`/d` is \"y\", not \"z\"".to_string()))
        );
    }

    #[test]
    fn a_missing_place_is_named() {
        let mut doc = json!({"a": {}});
        assert_eq!(
            run(&mut doc, "replace", "/a/b/c", None, Some(json!(1))),
            Err(OpError("`/a/b` does not exist".to_string()))
        );
        assert_eq!(
            run(&mut doc, "remove", "/x", None, None),
            Err(OpError("`/x` does not exist".to_string()))
        );
        assert!(run(&mut doc, "add", "a", None, Some(json!(1))).is_err());
        assert!(run(&mut doc, "move", "/a/x", Some("/a"), None).is_err());
    }
}
