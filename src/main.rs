//! The `pinbox` binary; everything lives in the library.

// mimalloc: pinbox makes many small, short-lived allocations per request (strings of the JSON
// answer); glibc's malloc spent about a tenth of the CPU on them under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pinbox::cli::main()
}
