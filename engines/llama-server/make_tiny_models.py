#!/usr/bin/env python3
"""Writes tiny llama-architecture GGUF models with random weights and real tokenizers.

Usage: PYTHONPATH=<llama.cpp>/gguf-py make_tiny_models.py <llama.cpp>/models OUT_DIR

The tokenizer (vocabulary, merges, scores, special tokens and any chat template) is copied from
llama.cpp's own ggml-vocab-*.gguf files; the weights are seeded random f16, so the models are
deterministic and their text is gibberish. Their tokenization, context limits, slots, usage counts
and errors are those of a real llama-server. Different context lengths make swaps and limits visible.
"""
import sys
from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGUFValueType, GGUFWriter

# name, vocab file, embedding, layers, heads, kv heads, feed-forward, training context
MODELS = [
    ("tiny-llama-spm-64", "ggml-vocab-llama-spm.gguf", 64, 2, 4, 2, 192, 1024),
    ("tiny-qwen2tok-128", "ggml-vocab-qwen2.gguf", 128, 2, 4, 4, 384, 2048),
    ("tiny-llama3tok-256", "ggml-vocab-llama-bpe.gguf", 256, 4, 8, 4, 768, 4096),
]

# Used when the vocabulary file brings no template of its own.
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def copy_tokenizer(reader: GGUFReader, writer: GGUFWriter) -> int:
    """Copies every tokenizer.* key; returns the vocabulary size."""
    n_vocab = 0
    for field in reader.fields.values():
        if not field.name.startswith("tokenizer."):
            continue
        main_type = field.types[0]
        value = field.contents()
        if main_type == GGUFValueType.ARRAY:
            writer.add_key_value(field.name, value, main_type, sub_type=field.types[-1])
            if field.name == "tokenizer.ggml.tokens":
                n_vocab = len(value)
        else:
            writer.add_key_value(field.name, value, main_type)
    if reader.get_field("tokenizer.chat_template") is None:
        writer.add_chat_template(CHATML)
    return n_vocab


def write_model(src: Path, out: Path, spec: tuple) -> None:
    name, vocab_file, n_embd, n_layer, n_head, n_head_kv, n_ff, n_ctx = spec
    target = out / f"{name}.gguf"
    if target.exists():
        return
    rng = np.random.default_rng(sum(map(ord, name)))
    reader = GGUFReader(src / vocab_file)
    tmp = out / f"{name}.gguf.tmp"
    writer = GGUFWriter(tmp, "llama")
    writer.add_name(name)
    n_vocab = copy_tokenizer(reader, writer)
    head_dim = n_embd // n_head
    writer.add_vocab_size(n_vocab)
    writer.add_context_length(n_ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(1)  # mostly f16

    def weight(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float16)

    # numpy shapes are ggml's ne reversed; the output layer is tied to the embeddings
    writer.add_tensor("token_embd.weight", weight(n_vocab, n_embd))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    n_kv = head_dim * n_head_kv
    for i in range(n_layer):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.attn_q.weight", weight(n_embd, n_embd))
        writer.add_tensor(f"blk.{i}.attn_k.weight", weight(n_kv, n_embd))
        writer.add_tensor(f"blk.{i}.attn_v.weight", weight(n_kv, n_embd))
        writer.add_tensor(f"blk.{i}.attn_output.weight", weight(n_embd, n_embd))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", weight(n_ff, n_embd))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", weight(n_ff, n_embd))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", weight(n_embd, n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.rename(target)
    print(f"{name}: vocab {n_vocab}, embd {n_embd}, layers {n_layer}, n_ctx_train {n_ctx}, "
          f"{target.stat().st_size // (1 << 20)} MiB")


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for spec in MODELS:
        write_model(src, out, spec)


if __name__ == "__main__":
    main()
