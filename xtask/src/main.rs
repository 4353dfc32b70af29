//! `cargo xtask codegen [--check]`.

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]\n       cargo xtask import [--check] [--prune] [--folder NAME] <api-docs.json>...\n\n  codegen          regenerate the product crates from api-specs/\n  codegen --check  fail when a committed generated file differs from what the specs give\n  import           write specs from official API metadata (see `cargo xtask import --help`)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Found at run time, so a binary shared between checkouts works on the invoking one.
    let root = match xtask::workspace::root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.first() == Some(&"import") {
        if matches!(args.get(1), Some(&"--help") | Some(&"-h")) {
            println!("{}", xtask::import::USAGE);
            return ExitCode::SUCCESS;
        }
        let options = match xtask::import::parse_args(&args[1..]) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}\n\n{}", xtask::import::USAGE);
                return ExitCode::from(2);
            }
        };
        let report = xtask::import::run(&root, &options);
        for l in &report.lines {
            println!("{l}");
        }
        return if report.failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
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
