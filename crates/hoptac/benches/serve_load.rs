//! Load on `hoptac serve`: `cargo bench -p hoptac --bench serve_load [-- DOCUMENTS] [--seconds S]
//! [--connections C]`.
//!
//! Builds a store with `hoptac ingest` (the seed articles, the example documents and DOCUMENTS
//! generated articles, default 5,000), starts the real server read-only on loopback, and for
//! S seconds (default 15) per scenario keeps C connections (default 64) busy with keep-alive
//! requests (as a browser sends them: gzip or brotli accepted): the overview, the dossier page of
//! every partnership in turn, then the search API with the
//! queries and filters people use; each first asked fresh (`Cache-Control: no-cache`: a page
//! read and rendered after the request arrived — requests for one page that arrive during its
//! render share the next one —, nothing older from the server's page and result cache), then
//! repeated (served from it while the store does not change). Prints requests/s, latency
//! percentiles and the bytes sent per answer.
//! The server logs at its default level, as deployed. Not a test.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// One connection sending requests back to back until the deadline.
/// Connection `start` of `step` asks paths start, start + step, start + 2 step … (no two
/// connections ask the same path in one pass).
async fn worker(
    addr: String,
    paths: Arc<Vec<String>>,
    start: usize,
    step: usize,
    deadline: Instant,
    max_requests: usize,
    fresh: bool,
) -> (Vec<Duration>, usize, usize) {
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut bytes = 0;
    let Ok(stream) = tokio::net::TcpStream::connect(&addr).await else { return (latencies, 1, 0) };
    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
        return (latencies, 1, 0);
    };
    tokio::spawn(conn);
    let mut i = start;
    while Instant::now() < deadline && latencies.len() + errors < max_requests {
        let path = &paths[i % paths.len()];
        i += step;
        let req = hyper::Request::get(path.as_str())
            .header("host", addr.as_str())
            .header("accept-language", "vi")
            .header("cache-control", if fresh { "no-cache" } else { "max-age=60" })
            .header("accept-encoding", "gzip, br")
            .body(Empty::<Bytes>::new())
            .expect("request");
        let t = Instant::now();
        match sender.send_request(req).await {
            Ok(resp) => {
                let ok = resp.status().is_success();
                let body = resp.into_body().collect().await;
                if let (true, Ok(b)) = (ok, body) {
                    latencies.push(t.elapsed());
                    bytes += b.to_bytes().len();
                } else {
                    errors += 1;
                }
            }
            Err(_) => {
                errors += 1;
                break;
            }
        }
    }
    (latencies, errors, bytes)
}

fn run_scenario(
    rt: &tokio::runtime::Runtime,
    name: &str,
    addr: &str,
    paths: Vec<String>,
    conns: usize,
    secs: u64,
    warm_up: bool,
) {
    // Without a warm-up the scenario measures first views: every request asks for a fresh page.
    let fresh = !warm_up;
    let paths = Arc::new(paths);
    if warm_up {
        // Each path once (what a cache holds after the first visitors).
        let until = Instant::now() + Duration::from_secs(60);
        rt.block_on(async {
            let n = conns.min(paths.len());
            let per = paths.len().div_ceil(n);
            let tasks: Vec<_> = (0..n)
                .map(|c| tokio::spawn(worker(addr.to_string(), paths.clone(), c, n, until, per, false)))
                .collect();
            for t in tasks {
                let _ = t.await;
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let t = Instant::now();
    let results = rt.block_on(async {
        let tasks: Vec<_> = (0..conns)
            .map(|c| tokio::spawn(worker(addr.to_string(), paths.clone(), c, conns, deadline, usize::MAX, fresh)))
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            if let Ok(r) = task.await {
                all.push(r);
            }
        }
        all
    });
    let elapsed = t.elapsed().as_secs_f64();
    let mut lat: Vec<Duration> = results.iter().flat_map(|(l, _, _)| l.iter().copied()).collect();
    let errors: usize = results.iter().map(|(_, e, _)| e).sum();
    let bytes: usize = results.iter().map(|(_, _, b)| b).sum();
    lat.sort();
    println!(
        "{name:<28} {conns} connections, {secs} s: {} requests, {:.0} requests/s, p50 {}, p90 {}, p99 {}, max {}, errors {errors}, {:.0} KB per answer as sent",
        lat.len(),
        lat.len() as f64 / elapsed,
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.90)),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default()),
        bytes as f64 / lat.len().max(1) as f64 / 1024.0,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let secs: u64 = arg(&args, "--seconds").unwrap_or(15);
    let conns: usize = arg(&args, "--connections").unwrap_or(64);
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = common::build_store(tmp.path(), n, 0x5EED_0F10_AD00);

    let (mut server, addr) = common::start_server(&store, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");

    // The dossier page of every partnership (busy ones and quiet ones).
    let list: serde_json::Value = rt.block_on(async {
        let stream = tokio::net::TcpStream::connect(&addr).await.expect("connect");
        let (mut s, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
        tokio::spawn(conn);
        let req =
            hyper::Request::get("/api/v1/partnerships").header("host", &addr).body(Empty::<Bytes>::new()).expect("req");
        let body = s.send_request(req).await.expect("send").into_body().collect().await.expect("body").to_bytes();
        serde_json::from_slice(&body).expect("json")
    });
    let dossiers: Vec<String> =
        list.as_array().expect("list").iter().map(|p| format!("/partnerships/{}", p["id"])).collect();
    println!(
        "{} partnerships; {} threads on this machine (server and load generator share them)",
        dossiers.len(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    run_scenario(&rt, "overview, uncached", &addr, vec!["/".to_string()], conns, secs, false);
    run_scenario(&rt, "overview, repeated", &addr, vec!["/".to_string()], conns, secs, true);
    run_scenario(&rt, "dossier page, uncached", &addr, dossiers.clone(), conns, secs, false);
    run_scenario(&rt, "dossier page, repeated", &addr, dossiers, conns, secs, true);

    let words =
        ["hai cot", "học bổng", "hoi nghi hop tac", "ban ghi nho", "bien gioi", "Savannakhet", "giao vien", "so ket"];
    let mut searches = Vec::new();
    for w in words {
        let q: String = form_urlencoded::byte_serialize(w.as_bytes()).collect();
        searches.push(format!("/api/v1/search?q={q}"));
        searches.push(format!("/api/v1/search?q={q}&place=Kon%20Tum"));
        searches.push(format!("/api/v1/search?q={q}&year=2024"));
        searches.push(format!("/api/v1/search?q={q}&kind=conference"));
    }
    // The same queries, each asked fresh (Cache-Control: no-cache skips the result cache): what a
    // query nobody asked before costs.
    run_scenario(&rt, "search API, uncached", &addr, searches.clone(), conns, secs, false);
    run_scenario(&rt, "search API, repeated queries", &addr, searches, conns, secs, true);
    let _ = server.kill();
    let _ = server.wait();
}
