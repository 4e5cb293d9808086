#!/usr/bin/env python3
"""Checks the OpenAI-compatible routes with the official `openai` Python SDK (pip install openai).

    python3 Tests/api/openai_sdk_check.py http://127.0.0.1:8080 NAMESPACE

NAMESPACE must already hold ingested documents. The API key comes from RAGCTL_API_KEY (or OPENAI_API_KEY),
else "unused" (auth off). Optional: RAGCTL_EMBEDDING_MODEL (default: the native MiniLM model id),
RAGCTL_EMBEDDING_DIM (default 384), RAGCTL_QUESTION (the chat question).
Exits 0 when every check passes, 1 on the first failure (with what was expected and what came back).
"""
import math
import os
import sys
import time


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def ok(message: str) -> None:
    print(f"ok   {message}")


def main() -> None:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    base_url, namespace = sys.argv[1].rstrip("/"), sys.argv[2]
    try:
        import openai
    except ImportError:
        fail("the openai package is not installed: pip install openai")

    api_key = os.environ.get("RAGCTL_API_KEY") or os.environ.get("OPENAI_API_KEY") or "unused"
    embedding_model = os.environ.get("RAGCTL_EMBEDDING_MODEL", "sentence-transformers/all-MiniLM-L6-v2")
    dimension = int(os.environ.get("RAGCTL_EMBEDDING_DIM", "384"))
    question = os.environ.get("RAGCTL_QUESTION", "What is this collection about?")
    rag_model = f"rag:{namespace}"
    # No retries: a retried request would hide a server error behind a later success.
    client = openai.OpenAI(base_url=base_url + "/v1", api_key=api_key, max_retries=0, timeout=120)
    print(f"openai {openai.__version__} against {base_url}/v1, namespace {namespace}")

    def call(what, function, **kwargs):
        try:
            return function(**kwargs)
        except openai.APIStatusError as error:
            fail(f"{what}: HTTP {error.status_code}: {error.message}")
        except openai.APIError as error:  # connection errors, unparseable responses
            fail(f"{what}: {type(error).__name__}: {error}")

    # --- embeddings: the SDK asks for base64 unless told otherwise, so check both encodings.
    for encoding in ("base64 (SDK default)", "float"):
        kwargs = {"input": ["a", "b"], "model": embedding_model}
        if encoding == "float":
            kwargs["encoding_format"] = "float"
        response = call(f"embeddings.create [{encoding}]", client.embeddings.create, **kwargs)
        if len(response.data) != 2:
            fail(f"embeddings [{encoding}]: expected 2 embeddings, got {len(response.data)}")
        if [item.index for item in response.data] != [0, 1]:
            fail(f"embeddings [{encoding}]: indexes {[item.index for item in response.data]}, expected [0, 1]")
        for item in response.data:
            vector = item.embedding
            if not isinstance(vector, list) or len(vector) != dimension:
                fail(f"embeddings [{encoding}]: embedding {item.index} has {len(vector) if isinstance(vector, list) else type(vector).__name__} values, expected {dimension}")
            if not all(isinstance(x, float) and math.isfinite(x) for x in vector):
                fail(f"embeddings [{encoding}]: embedding {item.index} holds non-finite or non-float values")
            norm = math.sqrt(sum(x * x for x in vector))
            if not 0.99 < norm < 1.01:
                fail(f"embeddings [{encoding}]: embedding {item.index} has norm {norm:.4f}, expected unit length")
        if response.data[0].embedding == response.data[1].embedding:
            fail(f"embeddings [{encoding}]: 'a' and 'b' have identical embeddings")
        if response.usage is None or response.usage.prompt_tokens < 1:
            fail(f"embeddings [{encoding}]: usage.prompt_tokens missing or 0: {response.usage}")
        ok(f"embeddings.create [{encoding}]: 2 × {dimension}, unit norm, model {response.model}")
    floats = response.data[0].embedding
    again = call("embeddings.create [base64]", client.embeddings.create, input="a", model=embedding_model)
    if max(abs(x - y) for x, y in zip(floats, again.data[0].embedding)) > 1e-5:
        fail("embeddings: the base64 and float encodings of 'a' differ")
    ok("embeddings.create: a single string input; base64 and float encodings agree")

    # --- models
    models = call("models.list", client.models.list)
    ids = [model.id for model in models]
    for expected in (embedding_model, rag_model):
        if expected not in ids:
            fail(f"models.list: {expected!r} missing from {ids}")
    for model in models:
        if model.object != "model" or not isinstance(model.created, int) or not model.owned_by:
            fail(f"models.list: malformed entry {model}")
    ok(f"models.list: {len(ids)} models, including {embedding_model} and {rag_model}")

    # --- chat, plain
    messages = [{"role": "system", "content": "Answer briefly and cite sources."},
                {"role": "user", "content": question}]
    started = time.monotonic()
    completion = call("chat.completions.create", client.chat.completions.create, model=rag_model, messages=messages)
    elapsed = time.monotonic() - started
    if completion.object != "chat.completion":
        fail(f"chat: object is {completion.object!r}, expected 'chat.completion'")
    if len(completion.choices) != 1:
        fail(f"chat: {len(completion.choices)} choices, expected 1")
    choice = completion.choices[0]
    if choice.message.role != "assistant" or not (choice.message.content or "").strip():
        fail(f"chat: empty or non-assistant message: {choice.message}")
    if choice.finish_reason not in ("stop", "length"):
        fail(f"chat: finish_reason {choice.finish_reason!r}")
    if completion.usage is None or completion.usage.total_tokens != completion.usage.prompt_tokens + completion.usage.completion_tokens:
        fail(f"chat: usage missing or inconsistent: {completion.usage}")
    sources = (completion.model_extra or {}).get("sources")
    if not isinstance(sources, list) or not sources:
        fail(f"chat: a rag: model must return a non-empty 'sources' list, got {sources!r}")
    if [source.get("n") for source in sources] != list(range(1, len(sources) + 1)):
        fail(f"chat: sources are not numbered 1..{len(sources)}: {[source.get('n') for source in sources]}")
    ok(f"chat.completions.create: {len(choice.message.content)} chars, {len(sources)} sources, {elapsed:.2f} s")

    # --- chat, streamed
    stream = call("chat.completions.create(stream=True)", client.chat.completions.create,
                  model=rag_model, messages=messages, stream=True)
    pieces, finish_reasons, chunks, ids_seen = [], [], 0, set()
    try:
        for chunk in stream:
            chunks += 1
            if chunk.object != "chat.completion.chunk":
                fail(f"stream: chunk object is {chunk.object!r}")
            ids_seen.add(chunk.id)
            for choice in chunk.choices:
                if choice.delta and choice.delta.content:
                    pieces.append(choice.delta.content)
                if choice.finish_reason is not None:
                    finish_reasons.append(choice.finish_reason)
    except openai.APIError as error:
        fail(f"stream: {type(error).__name__}: {error}")
    text = "".join(pieces)
    if not text.strip():
        fail(f"stream: no text in {chunks} chunks")
    if len(finish_reasons) != 1 or finish_reasons[0] not in ("stop", "length"):
        fail(f"stream: expected exactly one final chunk with finish_reason stop/length, got {finish_reasons}")
    if len(ids_seen) != 1:
        fail(f"stream: chunks carry {len(ids_seen)} different ids, expected one")
    ok(f"chat.completions.create(stream=True): {chunks} chunks, {len(text)} chars, finish_reason {finish_reasons[0]}")

    # --- errors surface as the SDK's typed exceptions (OpenAI error shape on /v1)
    try:
        client.chat.completions.create(model="rag:no-such-namespace-xyz", messages=messages)
        fail("chat with an unknown namespace succeeded; expected 404")
    except openai.NotFoundError as error:
        body = error.body if isinstance(error.body, dict) else {}
        if not body.get("message"):
            fail(f"404 body is not the OpenAI error shape: {error.body!r}")
    except openai.APIError as error:
        fail(f"chat with an unknown namespace: expected NotFoundError, got {type(error).__name__}: {error}")
    ok("unknown rag: namespace → openai.NotFoundError with an OpenAI-shaped error")
    print("all OpenAI SDK checks passed")


if __name__ == "__main__":
    main()
