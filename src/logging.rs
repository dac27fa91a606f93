//! The log `pinbox serve` writes to stderr: what `PINBOX_LOG` selects (a level, or levels by
//! target; default `info`), in colour only when a person reads it.

use std::ffi::OsString;
use std::io::IsTerminal;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The variable that selects what is logged, e.g. `debug` or `pinbox=debug,tower_http=info`.
pub const LOG_VAR: &str = "PINBOX_LOG";

/// What is logged when `PINBOX_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// Installs the log for this process; a second call changes nothing.
pub fn init() {
    let filter = match std::env::var(LOG_VAR) {
        Ok(spec) => spec.parse::<Targets>().unwrap_or_else(|e| {
            eprintln!(
                "pinbox: {LOG_VAR}={spec} is not a log filter ({e}); logging at {DEFAULT_FILTER}. \
                 Use a level (error, warn, info, debug, trace) or targets, e.g. pinbox=debug"
            );
            default_filter()
        }),
        Err(_) => default_filter(),
    };
    let output = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(colour(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
        ));
    let _ = tracing_subscriber::registry()
        .with(output)
        .with(filter)
        .try_init();
}

fn default_filter() -> Targets {
    DEFAULT_FILTER.parse().expect("the default filter parses")
}

/// Colour codes only on a terminal: in a file or a pipe they are noise a reader has to strip.
/// `NO_COLOR` set to anything but the empty string turns them off everywhere (no-color.org).
pub fn colour(stderr_is_terminal: bool, no_color: Option<OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::colour;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".into())));
        assert!(!colour(true, Some("1".into())));
        assert!(!colour(false, None));
        assert!(!colour(false, Some("1".into())));
    }
}
