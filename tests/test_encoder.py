"""The sentence encoder: mean word-piece vectors of the pinned all-MiniLM-L6-v2."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from pipeline import encoder
from pipeline.encoder import DIMENSIONS, SentenceEncoder, default_encoder
from pipeline.errors import PipelineError


def test_an_embedding_is_the_unit_mean_of_its_word_pieces_vectors():
    model = default_encoder()
    text = "Supervisors shouldn't micromanage."
    pieces = model.tokenizer.encode(text, add_special_tokens=False)
    assert len(pieces.ids) > 4  # "shouldn't" and "micromanage" are split into pieces
    mean = model.table[pieces.ids].mean(axis=0)
    got = model.encode([text])[0]
    assert np.allclose(got, mean / np.linalg.norm(mean), atol=1e-6)
    assert np.isclose(np.linalg.norm(got), 1.0, atol=1e-6)


def test_words_that_mean_alike_get_near_vectors():
    vectors = default_encoder().encode(["my boss", "my supervisor", "my sandwich"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1


def test_a_text_gets_the_same_vector_whatever_is_encoded_beside_it():
    text = "Managers plan the week; leaders explain why it matters."
    model = default_encoder()
    alone = model.encode([text])[0]
    crowd = model.encode(["Short one.", text, "", text])
    assert np.array_equal(crowd[1], alone)
    assert np.array_equal(crowd[3], alone)
    assert not crowd[2].any()  # no word pieces, no vector


def test_no_texts_give_an_empty_matrix():
    assert default_encoder().encode([]).shape == (0, DIMENSIONS)


def test_weights_other_than_the_pinned_ones_are_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(encoder.model_dir(), folder)
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(PipelineError, match="not the pinned ones"):
        SentenceEncoder(folder)


def test_a_missing_encoder_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(PipelineError, match="cannot read the sentence encoder"):
        SentenceEncoder(tmp_path)
    monkeypatch.setattr(encoder, "ENCODER_PACKAGE", "no_such_encoder_package")
    with pytest.raises(PipelineError, match="not installed"):
        encoder.model_dir()
