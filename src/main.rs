//! The command line: parses arguments, calls the pipeline, prints.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// glibc malloc spends a large share of a big build in its locks and free
// lists (BENCHMARKS.md).
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
        /// Where to write the search index [default: the guidebook's `search_index`, ROOT/search-index].
        #[arg(long)]
        index: Option<PathBuf>,
        /// Print the time each stage took (to stderr).
        #[arg(long)]
        timings: bool,
    },
    /// Preview the guidebook while editing it: pages rebuild and reload by themselves, and show what is wrong.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0: any free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; anything but 127.0.0.1 makes the preview reachable by others.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the preview in a browser.
        #[arg(long)]
        open: bool,
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
    /// Write facility records from an open-data list or a spreadsheet.
    Import {
        /// A CSV (UTF-8 or Shift_JIS) or a spreadsheet (.xlsx, .xls, .ods).
        file: PathBuf,
        /// medical, care, mhlw or sheet [default: told from the header].
        #[arg(long, value_parser = import_format)]
        format: Option<carebook::import::layout::Format>,
        /// A facility type key for every row.
        #[arg(long = "type")]
        kind: Option<String>,
        /// An area key for rows whose town is in no area's `towns`.
        #[arg(long)]
        area: Option<String>,
        /// Print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Make a new guidebook for another ward.
    Init { dir: PathBuf },
    /// Search the index that `carebook build` wrote (words mean AND).
    Search {
        /// Words to find, e.g. 看取り 北部 or a phone number.
        query: Vec<String>,
        /// Only this type (a facility type key, `window` or `meeting`); repeat for any of several.
        #[arg(long = "type")]
        types: Vec<String>,
        /// Only this area key; repeat for any of several.
        #[arg(long = "area")]
        areas: Vec<String>,
        /// Only records with this capability key; repeat to require several.
        #[arg(long = "cap")]
        caps: Vec<String>,
        /// How many results (1 or more).
        #[arg(long, default_value_t = 10, value_parser = limit)]
        limit: usize,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The index directory [default: the guidebook's `search_index`].
        #[arg(long)]
        index: Option<PathBuf>,
    },
}

/// `--limit`: a whole number of 1 or more.
fn limit(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("give a whole number of 1 or more".into()),
    }
}

fn import_format(s: &str) -> Result<carebook::import::layout::Format, String> {
    s.parse()
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

/// Keeps this process's memory in ordinary pages. mimalloc asks the kernel
/// for transparent huge pages, which the kernel zeroes 2 MiB at a time as
/// they are first touched: a large pamphlet spent much of its time in the
/// kernel clearing pages (BENCHMARKS.md, "Pamphlet, two versions side by
/// side", system CPU).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers only and sets a flag of
    // this process; on failure (an old kernel) nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    progress::enable(cli.quiet);
    carebook::write::install_interrupt_handler();
    match cli.command {
        Command::Build {
            root,
            out,
            index,
            timings,
        } => {
            let out = out.unwrap_or_else(|| pipeline::default_out(&root));
            let report = pipeline::build(&root, &out, index.as_deref());
            if timings {
                for (stage, t) in &report.timings {
                    eprintln!("timing: {stage}: {:.3} s", t.as_secs_f64());
                }
            }
            let code = print_report(&report, cli.quiet, true);
            if report.ok() && !cli.quiet {
                println!("open {}", out.join("index.html").display());
            }
            code
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => match carebook::serve::run(carebook::serve::Options {
            root,
            port,
            bind,
            open,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
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
        Command::Search {
            query,
            types,
            areas,
            caps,
            limit,
            json,
            root,
            index,
        } => {
            let q = carebook::search::engine::SearchQuery {
                text: query,
                types,
                areas,
                caps,
                limit,
            };
            let dir = index.unwrap_or_else(|| pipeline::configured_index_dir(&root));
            if carebook::outputs::search_index::index_differs_from_site(
                &pipeline::default_out(&root),
                &dir,
            ) {
                eprintln!(
                    "warning: the search index at {} and the site in {} come from different builds (was a build interrupted?); run `carebook build` to bring both up to date",
                    dir.display(),
                    pipeline::default_out(&root).display()
                );
            }
            let searcher = match carebook::search::engine::Searcher::open(&dir) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {}", e.0);
                    return ExitCode::from(1);
                }
            };
            if let Err((message, hint)) = searcher.check_query(&q) {
                eprintln!("error: {message}\n  hint: {hint}");
                return ExitCode::from(2);
            }
            match searcher.run(&q) {
                Ok(hits) if json => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&hits).unwrap_or_default()
                    );
                    ExitCode::SUCCESS
                }
                Ok(hits) => {
                    if hits.is_empty() && !cli.quiet {
                        eprintln!("no records match");
                    }
                    for (i, h) in hits.iter().enumerate() {
                        let d = &h.display;
                        let place = [d.type_name.as_str(), d.area.as_str()]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join("・");
                        println!("{:>2}. {}（{place}）", i + 1, d.name);
                        let contact = [d.phone.as_str(), d.address.as_str()]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join("  ");
                        if !contact.is_empty() {
                            println!("    {contact}");
                        }
                        println!("    {}", d.url);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Import {
            file,
            format,
            kind,
            area,
            dry_run,
            root,
        } => {
            let outcome = carebook::import::run(&carebook::import::Options {
                root,
                file,
                format,
                kind,
                area,
                dry_run,
            });
            for d in &outcome.diagnostics {
                eprintln!("{d}");
            }
            if !cli.quiet {
                print!("{}", outcome.summary);
            }
            if outcome.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
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
