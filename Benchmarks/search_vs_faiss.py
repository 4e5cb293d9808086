#!/usr/bin/env python3
"""ragctl bench search against FAISS IndexFlatIP on the same vectors, in the same run.

Generates seeded clustered float32 vectors with numpy, writes them as raw matrices, runs
`ragctl bench search --data-file ... --query-file ... --json`, then measures FAISS (pip faiss-cpu) at its best
here: single queries, batches on FAISS's default path and with BLAS forced
(faiss.cvar.distance_compute_blas_threshold = 0), with 1 and 2 threads, and a 1%-selective filter as an
IDSelectorArray of the allowed ids (rows with i % 100 == 0, which is ragctl's {"bucket": 0}).

    python3 Benchmarks/search_vs_faiss.py --ragctl .build/release/ragctl --vectors 1000000 --dim 384
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import numpy as np


def clustered(n, d, seed, clusters=256):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, d), dtype=np.float32)
    out = np.empty((n, d), dtype=np.float32)
    step = 100_000
    for s in range(0, n, step):
        e = min(n, s + step)
        out[s:e] = centres[np.arange(s, e) % clusters] + 0.4 * rng.standard_normal((e - s, d), dtype=np.float32)
    return out


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round((len(values) - 1) * q)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ragctl", default=".build/release/ragctl")
    ap.add_argument("--vectors", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=256)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--work-dir", default=tempfile.gettempdir())
    args = ap.parse_args()
    try:
        import faiss
    except ImportError:
        sys.exit("faiss is not installed: pip install faiss-cpu (benchmark only; CI does not need it)")

    n, d = args.vectors, args.dim
    data = clustered(n, d, seed=42)
    rng = np.random.default_rng(7)
    queries = data[rng.integers(0, n, args.queries)] + 0.2 * rng.standard_normal((args.queries, d), dtype=np.float32)
    queries = queries.astype(np.float32)
    data_path = os.path.join(args.work_dir, f"bench-data-{os.getpid()}.f32")
    query_path = os.path.join(args.work_dir, f"bench-queries-{os.getpid()}.f32")
    data.tofile(data_path)
    queries.tofile(query_path)
    try:
        print(f"ragctl bench search on {n} x {d} ...", file=sys.stderr)
        out = subprocess.run([args.ragctl, "bench", "search", "--vectors", str(n), "--dim", str(d),
                              "--queries", str(args.queries), "--batch", str(args.batch),
                              "--data-file", data_path, "--query-file", query_path, "--work-dir", args.work_dir,
                              "--json"], check=True, capture_output=True, text=True)
        ours = json.loads(out.stdout)
    finally:
        os.remove(data_path)
        os.remove(query_path)

    # FAISS: cosine = inner product on normalised vectors.
    xb = data / np.linalg.norm(data, axis=1, keepdims=True)
    xq = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    del data
    index = faiss.IndexFlatIP(d)
    index.add(xb)
    k = 10
    results = {}

    def single(threads):
        faiss.omp_set_num_threads(threads)
        index.search(xq[:2], k)
        times = []
        for q in xq:
            t = time.perf_counter(); index.search(q[None, :], k); times.append((time.perf_counter() - t) * 1e3)
        return times

    def batched(threads, force_blas):
        faiss.omp_set_num_threads(threads)
        faiss.cvar.distance_compute_blas_threshold = 0 if force_blas else 20
        index.search(xq[:args.batch], k)
        t = time.perf_counter()
        for s in range(0, len(xq), args.batch):
            index.search(xq[s:s + args.batch], k)
        return len(xq) / (time.perf_counter() - t)

    for threads in (1, 2):
        times = single(threads)
        results[f"faiss_single_p50_ms_t{threads}"] = p(times, 0.5)
        for force in (False, True):
            results[f"faiss_batch_qps_t{threads}_{'blas' if force else 'default'}"] = batched(threads, force)
    faiss.cvar.distance_compute_blas_threshold = 20

    allowed = np.arange(0, n, 100, dtype=np.int64)
    faiss.omp_set_num_threads(1)
    params = faiss.SearchParameters(sel=faiss.IDSelectorArray(allowed))
    times = []
    for q in xq:
        t = time.perf_counter(); index.search(q[None, :], k, params=params); times.append((time.perf_counter() - t) * 1e3)
    results["faiss_filtered_1pct_p50_ms"] = p(times, 0.5)

    best_batch = max(v for key, v in results.items() if key.startswith("faiss_batch_qps"))
    print(json.dumps({"ragctl": ours, "faiss": {k2: round(v, 3) for k2, v in results.items()}}, indent=2))
    print()
    print(f"{'metric':40s} {'ragctl':>10s} {'reference':>10s} {'ratio':>8s}")
    rows = [
        ("batch-64 qps vs FAISS best", ours["batch_qps"], best_batch, ours["batch_qps"] / best_batch),
        ("single p50 ms vs one memory pass", ours["single_p50_ms"], ours["one_pass_ms"], ours["single_p50_ms"] / ours["one_pass_ms"]),
        ("single p50 ms vs FAISS 1 thread", ours["single_p50_ms"], results["faiss_single_p50_ms_t1"],
         ours["single_p50_ms"] / results["faiss_single_p50_ms_t1"]),
        ("1% filter p50 ms vs FAISS IDSelectorArray", ours["filtered_1pct_p50_ms"], results["faiss_filtered_1pct_p50_ms"],
         ours["filtered_1pct_p50_ms"] / results["faiss_filtered_1pct_p50_ms"]),
        ("1% filter, compiled per query, vs FAISS", ours["filtered_1pct_cold_p50_ms"], results["faiss_filtered_1pct_p50_ms"],
         ours["filtered_1pct_cold_p50_ms"] / results["faiss_filtered_1pct_p50_ms"]),
        ("unfiltered / 1% filtered speed-up", ours["single_p50_ms"], ours["filtered_1pct_p50_ms"],
         ours["single_p50_ms"] / ours["filtered_1pct_p50_ms"]),
    ]
    for name, a, b, r in rows:
        print(f"{name:40s} {a:10.2f} {b:10.2f} {r:8.2f}")


if __name__ == "__main__":
    main()
