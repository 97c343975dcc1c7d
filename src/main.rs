//! The command line: parses arguments, calls the pipeline, prints.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// glibc malloc spends a sixth of a large build in its locks and free lists.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use carebook::pipeline::{self, Report};
use carebook::{progress, scaffold};

#[derive(Parser)]
#[command(
    name = "carebook",
    version,
    about = "Build a home medical and nursing care guidebook (在宅医療・介護連携ガイドブック) into a static website"
)]
struct Cli {
    /// Print only problems, no summary.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the guidebook, then write the website.
    Build {
        /// The guidebook directory (holding carebook.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check the guidebook without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write a commented template record.
    New {
        kind: scaffold::Kind,
        /// The record's id, which becomes its file name and URL (e.g. sakura-clinic).
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Make a new guidebook for another ward.
    Init { dir: PathBuf },
}

fn print_report(r: &Report, quiet: bool, built: bool) -> ExitCode {
    for d in &r.diagnostics.items {
        eprintln!("{d}");
    }
    let (errors, warnings) = (r.diagnostics.errors(), r.diagnostics.warnings());
    if errors > 0 {
        eprintln!(
            "{errors} error{}, {warnings} warning{}; {}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
            if built {
                "nothing was written (the previous output is unchanged)"
            } else {
                "fix them and check again"
            }
        );
        return ExitCode::from(1);
    }
    if !quiet {
        let ms = r.elapsed.as_secs_f64() * 1000.0;
        if built {
            println!(
                "built {} records into {} files ({:.1} MB) in {ms:.0} ms, {warnings} warning{}",
                r.records,
                r.files,
                r.bytes as f64 / 1e6,
                if warnings == 1 { "" } else { "s" }
            );
        } else {
            println!(
                "checked {} records in {ms:.0} ms: no errors, {warnings} warning{}",
                r.records,
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::enable(cli.quiet);
    match cli.command {
        Command::Build { root, out } => {
            let out = out.unwrap_or_else(|| pipeline::default_out(&root));
            let report = pipeline::build(&root, &out);
            let code = print_report(&report, cli.quiet, true);
            if report.ok() && !cli.quiet {
                println!("open {}", out.join("index.html").display());
            }
            code
        }
        Command::Check { root } => print_report(&pipeline::run_check(&root), cli.quiet, false),
        Command::New { kind, name, root } => match scaffold::new_record(&root, kind, &name) {
            Ok(path) => {
                if !cli.quiet {
                    println!(
                        "wrote {}: fill it in, then run `carebook check`",
                        path.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                if !cli.quiet {
                    println!("made a new guidebook in {0}; edit {0}/carebook.toml, then run `carebook build --root {0}`", dir.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}
