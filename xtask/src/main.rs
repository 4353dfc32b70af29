//! `cargo xtask codegen [--check]`.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]\n\n  codegen          regenerate the product crates from api-specs/\n  codegen --check  fail when a committed generated file differs from what the specs give";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let check = match args.as_slice() {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Found at run time, so a binary shared between checkouts works on the invoking one.
    let root = match xtask::workspace::root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match xtask::codegen::run(&root, check) {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            ExitCode::SUCCESS
        }
        Err(lines) => {
            for l in lines {
                eprintln!("error: {l}");
            }
            ExitCode::FAILURE
        }
    }
}
