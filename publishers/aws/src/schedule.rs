//! A job's five-field cron schedule as an EventBridge Scheduler expression.
//!
//! EventBridge's `cron(minutes hours day-of-month month day-of-week year)` differs from the
//! five-field cron every other target reads (the check accepts only numbers, names, `*`,
//! `/`, `,` and `-`, `ir/src/passes/jobs.rs`): one of day-of-month and day-of-week must be
//! `?`, day-of-week counts 1-7 from Sunday (cron: 0-6, and 7, from Sunday) and takes no step
//! (`/`), and there is a year. Minutes, hours, month and day-of-month mean the same in both
//! (a step from `*` is written from the field's first value, `0/15`, as EventBridge documents).
//! What cannot be said the same way (a day-of-month *and* a day-of-week, which cron runs on
//! either; a stepped range of weekdays that wraps past Saturday) is an error for the caller
//! to locate.

/// `schedule` (five fields, as the check accepts them) as `cron(...)`, or why it cannot be.
pub fn aws_cron(schedule: &str) -> Result<String, String> {
    let fields: Vec<&str> = schedule.split_ascii_whitespace().collect();
    let [minute, hour, day, month, weekday] = fields[..] else {
        return Err(format!("it has {} fields, not 5", fields.len()));
    };
    let (day, weekday) = match (day, weekday) {
        (_, "*") => (day.to_string(), "?".to_string()),
        ("*", _) => ("?".to_string(), weekdays(weekday)?),
        _ => {
            return Err(format!(
                "it restricts both the day of the month (`{day}`) and the day of the week (`{weekday}`), which cron runs on either and EventBridge cannot combine"
            ));
        }
    };
    let (minute, hour, month) = (from(minute, "0"), from(hour, "0"), from(month, "1"));
    let day = from(&day, "1");
    Ok(format!("cron({minute} {hour} {day} {month} {weekday} *)"))
}

/// `field` with each `*/n` written `first/n`, the form of EventBridge's documentation (the
/// same times: a step from the field's first value).
fn from(field: &str, first: &str) -> String {
    field
        .split(',')
        .map(|item| match item.strip_prefix("*/") {
            Some(step) => format!("{first}/{step}"),
            None => item.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A cron day-of-week field in EventBridge's numbering, steps spelt out.
fn weekdays(field: &str) -> Result<String, String> {
    let mut out = Vec::new();
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        let Some(step) = step else {
            out.push(range_of(range)?);
            continue;
        };
        // EventBridge's day-of-week takes no step: the days it selects, listed.
        let step: u32 = step
            .parse()
            .ok()
            .filter(|&s| s > 0)
            .ok_or_else(|| format!("`{item}` has no valid step"))?;
        let (first, last) = match range {
            "*" => (0, 6),
            _ => match range.split_once('-') {
                Some((a, b)) => (day_number(a)?, day_number(b)?),
                None => (day_number(range)?, 6),
            },
        };
        if first > last {
            return Err(format!("the weekday range `{range}` wraps past Saturday"));
        }
        out.extend(
            (first..=last)
                .step_by(step as usize)
                .map(|d| aws_day(d).to_string()),
        );
    }
    Ok(out.join(","))
}

/// One weekday, or a range of them, converted.
fn range_of(range: &str) -> Result<String, String> {
    if range == "*" {
        return Ok("*".to_string());
    }
    match range.split_once('-') {
        None => day(range),
        Some((a, b)) => {
            let (first, last) = (day_number(a)?, day_number(b)?);
            // `5-7` (Friday to Sunday) would be 6-1 in EventBridge's numbering: up to
            // Saturday, then Sunday.
            if aws_day(first) > aws_day(last) {
                return Ok(format!("{}-7,1", aws_day(first)));
            }
            Ok(format!("{}-{}", day(a)?, day(b)?))
        }
    }
}

/// One weekday: a name as written (EventBridge reads `SUN`-`SAT`), a number converted.
fn day(text: &str) -> Result<String, String> {
    if text.chars().all(|c| c.is_ascii_alphabetic()) {
        day_number(text)?;
        return Ok(text.to_ascii_uppercase());
    }
    Ok(aws_day(day_number(text)?).to_string())
}

/// Cron's number of a weekday (0-6 from Sunday; 7 is Sunday too), from a number or name.
fn day_number(text: &str) -> Result<u32, String> {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    if let Some(index) = NAMES
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
    {
        return Ok(index as u32);
    }
    match text.parse::<u32>() {
        Ok(n) if n <= 7 => Ok(n % 7),
        _ => Err(format!("`{text}` is not a day of the week")),
    }
}

/// EventBridge's number of cron's weekday `d` (0-6 from Sunday): 1-7 from Sunday.
fn aws_day(d: u32) -> u32 {
    d % 7 + 1
}

#[cfg(test)]
mod tests {
    use super::aws_cron;

    #[test]
    fn every_day_and_days_of_the_month_leave_the_weekday_open() {
        assert_eq!(aws_cron("0 3 * * *").unwrap(), "cron(0 3 * * ? *)");
        assert_eq!(
            aws_cron("*/15 0-6,22 1,15 JAN-MAR *").unwrap(),
            "cron(0/15 0-6,22 1,15 JAN-MAR ? *)"
        );
        assert_eq!(
            aws_cron("5 */2 */10 */3 *").unwrap(),
            "cron(5 0/2 1/10 1/3 ? *)"
        );
    }

    #[test]
    fn weekdays_count_from_one_and_steps_are_listed() {
        assert_eq!(aws_cron("30 2 * * 0").unwrap(), "cron(30 2 ? * 1 *)");
        assert_eq!(aws_cron("30 2 * * 7").unwrap(), "cron(30 2 ? * 1 *)");
        assert_eq!(aws_cron("0 9 * * 1-5").unwrap(), "cron(0 9 ? * 2-6 *)");
        assert_eq!(
            aws_cron("0 9 * * mon-FRI").unwrap(),
            "cron(0 9 ? * MON-FRI *)"
        );
        assert_eq!(aws_cron("0 9 * * 0,6").unwrap(), "cron(0 9 ? * 1,7 *)");
        assert_eq!(aws_cron("0 9 * * */2").unwrap(), "cron(0 9 ? * 1,3,5,7 *)");
        assert_eq!(aws_cron("0 9 * * 1-5/2").unwrap(), "cron(0 9 ? * 2,4,6 *)");
        assert_eq!(aws_cron("0 9 * * 0-6").unwrap(), "cron(0 9 ? * 1-7 *)");
        // Friday to Sunday: cron's 7 is Sunday, EventBridge's first day.
        assert_eq!(aws_cron("0 9 * * 5-7").unwrap(), "cron(0 9 ? * 6-7,1 *)");
        assert_eq!(
            aws_cron("0 9 * * FRI-SUN").unwrap(),
            "cron(0 9 ? * 6-7,1 *)"
        );
    }

    #[test]
    fn what_eventbridge_cannot_say_is_an_error() {
        // Cron runs on the 1st *or* on Mondays: EventBridge takes one of the two.
        assert!(aws_cron("0 0 1 * 1").unwrap_err().contains("both"));
        // A stepped range that wraps past Saturday.
        assert!(aws_cron("0 0 * * 5-1/2").unwrap_err().contains("wraps"));
        assert!(aws_cron("0 0 * * 8").unwrap_err().contains("not a day"));
        assert!(aws_cron("0 0 * * FOO").is_err());
        assert!(aws_cron("0 0 * * */0").is_err());
        assert!(aws_cron("0 0 * *").is_err());
    }
}
