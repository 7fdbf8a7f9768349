//! The command line: the spec of subcommands and options, an argparse
//! emulation that parses it, the conversion to typed arguments, and
//! argparse-style help.

pub(crate) mod argparse;
pub(crate) mod args;
pub(crate) mod help;
pub mod spec;

/// JSON mode for parse errors: the exact pair `--output-format json` or
/// `--output-format=json` anywhere in argv.
pub fn wants_json(argv: &[String]) -> bool {
    argv.iter().any(|a| a == "--output-format=json")
        || argv.windows(2).any(|w| w[0] == "--output-format" && w[1] == "json")
}

/// The subcommand an invocation names, for parse-error envelopes: the first
/// token that is not an option or an option's value.
pub fn target(argv: &[String]) -> String {
    let mut skip = false;
    for a in argv {
        if skip {
            skip = false;
            continue;
        }
        if matches!(a.as_str(), "--output-format" | "--workspace" | "--generate") {
            skip = true;
            continue;
        }
        if !a.starts_with('-') || a == "-" {
            return a.clone();
        }
    }
    "claw".to_string()
}

/// The parse-error envelope's `command` and `target`, as the reference names
/// them: the first argv word unless it starts with `-`, else `<missing>`.
pub fn attempted(argv: &[String]) -> String {
    match argv.first() {
        Some(a) if !a.starts_with('-') => a.clone(),
        _ => "<missing>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_attempted_command_is_the_first_word_unless_it_is_an_option() {
        assert_eq!(attempted(&argv(&["route", "x"])), "route");
        assert_eq!(attempted(&argv(&["nosuch"])), "nosuch");
        assert_eq!(attempted(&argv(&["--bogus", "route", "x"])), "<missing>");
        assert_eq!(attempted(&argv(&["-", "route"])), "<missing>");
        assert_eq!(attempted(&argv(&[])), "<missing>");
    }
}
