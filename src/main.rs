//! The `pinbox` binary; everything lives in the library.

fn main() -> std::process::ExitCode {
    pinbox::cli::main()
}
