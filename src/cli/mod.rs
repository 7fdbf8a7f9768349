//! The command line: the spec of subcommands and options, an argparse
//! emulation that parses it, and argparse-style help.

pub mod argparse;
pub mod help;
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
