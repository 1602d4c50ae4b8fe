"""The faiss index is a cache of the database: rebuilt when missing, corrupt, stale or from another model."""

import json
import logging

import numpy as np
import pytest

from content_library.db import session_scope
from content_library.files import import_records
from content_library.repository import list_assets
from content_library.validation import validate_asset
from recommender.engine import Recommender
from recommender.vector_index import VectorIndex
from tests.conftest import FakeEmbedder

DOCS = {1: ("h1", "pricing page for carriers"), 2: ("h2", "onboarding guide"), 3: ("h3", "referral program")}


def test_first_sync_builds_then_loads_from_disk(tmp_path):
    emb = FakeEmbedder()
    assert VectorIndex(emb, tmp_path).sync(DOCS).action == "rebuilt"
    calls = emb.calls
    report = VectorIndex(emb, tmp_path).sync(DOCS)
    assert report.action == "loaded" and emb.calls == calls  # nothing re-embedded


def test_deleted_index_file_is_rebuilt(tmp_path, caplog):
    index = VectorIndex(FakeEmbedder(), tmp_path)
    index.sync(DOCS)
    index.index_path.unlink()
    with caplog.at_level(logging.WARNING):
        report = VectorIndex(FakeEmbedder(), tmp_path).sync(DOCS)
    assert report.action == "rebuilt" and "no saved index" in report.reason
    assert "rebuilding the vector index" in caplog.text


def test_truncated_index_file_is_rebuilt(tmp_path):
    index = VectorIndex(FakeEmbedder(), tmp_path)
    index.sync(DOCS)
    data = index.index_path.read_bytes()
    index.index_path.write_bytes(data[: len(data) // 2])
    fresh = VectorIndex(FakeEmbedder(), tmp_path)
    report = fresh.sync(DOCS)
    assert report.action == "rebuilt" and "unreadable" in report.reason
    assert len(fresh) == 3


def test_index_from_another_model_is_rebuilt(tmp_path):
    index = VectorIndex(FakeEmbedder(), tmp_path)
    index.sync(DOCS)
    manifest = json.loads(index.manifest_path.read_text())
    manifest["model_id"] = "some-other-model"
    index.manifest_path.write_text(json.dumps(manifest))
    report = VectorIndex(FakeEmbedder(), tmp_path).sync(DOCS)
    assert report.action == "rebuilt" and "another model" in report.reason


def test_manifest_that_does_not_match_is_rebuilt(tmp_path):
    index = VectorIndex(FakeEmbedder(), tmp_path)
    index.sync(DOCS)
    manifest = json.loads(index.manifest_path.read_text())
    manifest["hashes"]["99"] = "forged"
    index.manifest_path.write_text(json.dumps(manifest))
    assert VectorIndex(FakeEmbedder(), tmp_path).sync(DOCS).action == "rebuilt"


def test_incremental_update_adds_changes_and_removes(tmp_path):
    emb = FakeEmbedder()
    index = VectorIndex(emb, tmp_path)
    index.sync(DOCS)
    calls = emb.calls
    changed = {1: DOCS[1], 2: ("h2-new", "onboarding guide v2"), 4: ("h4", "community forum")}
    report = index.sync(changed)
    assert report.action == "updated" and emb.calls - calls == 2  # only 2 and 4 re-embedded
    assert set(index.hashes) == {1, 2, 4}
    hits = index.search(emb.embed_queries(["community forum"])[0], 3)
    assert hits[0][0] == 4 and 3 not in {i for i, _ in hits}
    # and the saved copy agrees
    assert VectorIndex(FakeEmbedder(), tmp_path).sync(changed).action == "loaded"


def test_search_can_be_restricted_to_allowed_ids(tmp_path):
    emb = FakeEmbedder()
    index = VectorIndex(emb, tmp_path)
    index.sync(DOCS)
    query = emb.embed_queries(["pricing page"])[0]
    assert index.search(query, 3)[0][0] == 1
    assert [i for i, _ in index.search(query, 3, np.array([2, 3]))] in ([2, 3], [3, 2])
    assert index.search(query, 3, np.array([], dtype=np.int64)) == []


def test_recommender_follows_library_changes(seeded_engine, tmp_path):
    rec = Recommender(seeded_engine, FakeEmbedder(), tmp_path / "idx")
    rec.sync()
    assert rec.refresh_if_stale() is False
    new = validate_asset({"title": "Freight audit checklist for CFOs", "url": "https://x.example/audit",
                          "content_type": "how_to_guide"})
    import_records(seeded_engine, [new], "test")
    assert rec.refresh_if_stale() is True
    assert any(a.url == "https://x.example/audit" for a in rec.assets.values())
    with session_scope(seeded_engine) as session:
        assert len(rec.index.vectors) == len(list_assets(session))


@pytest.mark.parametrize("which", ["vectors", "titles"])
@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_recommender_restarts_cleanly_after_index_damage(seeded_engine, tmp_path, damage, which, caplog):
    rec = Recommender(seeded_engine, FakeEmbedder(), tmp_path / "idx")
    rec.sync()
    path = getattr(rec.index, which).index_path
    if damage == "delete":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:100])
    again = Recommender(seeded_engine, FakeEmbedder(), tmp_path / "idx")
    with caplog.at_level(logging.WARNING):
        report = again.sync()
    assert (report.action == "rebuilt") == (which == "vectors")
    assert "rebuilding the vector index" in caplog.text
    assert len(again.index.vectors) == len(again.index.titles) == len(rec.assets)
    assert again.recommend("pricing for a CFO").items


def test_large_libraries_switch_to_hnsw_which_is_saved_loaded_and_searched(tmp_path, monkeypatch):
    import faiss

    import recommender.vector_index as vi

    monkeypatch.setattr(vi, "EXACT_SEARCH_LIMIT", 50)
    embedder = FakeEmbedder()
    documents = {i: (f"h{i}", f"asset number {i} about topic {i % 17} and lane {i % 5}") for i in range(1, 301)}
    index = VectorIndex(embedder, tmp_path)
    index.rebuild(documents)
    inner = faiss.downcast_index(index.index.index)
    assert isinstance(inner, faiss.IndexHNSWFlat) and inner.hnsw.efSearch == vi.HNSW_EF_SEARCH
    inner.hnsw.efSearch = 16  # a saved file's setting does not survive loading: ours does
    index._write()
    again = VectorIndex(embedder, tmp_path)
    assert again.sync(documents).action == "loaded"
    assert faiss.downcast_index(again.index.index).hnsw.efSearch == vi.HNSW_EF_SEARCH
    query = embedder.embed_queries(["asset number 42 about topic 8 and lane 2"])[0]
    assert again.search(query, 3)[0][0] == 42
    exact = embedder.embed_documents([documents[i][1] for i in range(1, 301)]) @ query
    truth = {int(i) + 1 for i in np.argsort(-exact)[:10]}
    assert len(truth & {i for i, _ in again.search(query, 10)}) >= 9
    allowed = np.arange(100, 201)
    assert all(100 <= i <= 200 for i, _ in again.search(query, 10, allowed))


@pytest.fixture
def small_limit(monkeypatch):
    import recommender.vector_index as vi

    monkeypatch.setattr(vi, "EXACT_SEARCH_LIMIT", 50)
    monkeypatch.setattr(vi, "EXACT_SUBSET_LIMIT", 5)
    return vi


def _docs(n: int, version: str = "") -> dict[int, tuple[str, str]]:
    return {i: (f"h{i}{version}", f"asset number {i} about topic {i % 17} and lane {i % 5}{version}")
            for i in range(1, n + 1)}


def test_graph_index_updates_in_place_with_tombstones_and_never_returns_them(tmp_path, small_limit):
    embedder = FakeEmbedder()
    documents = _docs(300)
    index = VectorIndex(embedder, tmp_path)
    index.sync(documents)
    assert index.approximate and index.tombstones == 0
    calls = embedder.calls
    changed = dict(documents)
    for i in (10, 11, 12):
        changed[i] = (f"h{i}-v2", f"rewritten: freight audit checklist number {i}")
    for i in (20, 21):
        del changed[i]
    changed[301] = ("h301", "brand new referral program for carriers")
    report = index.sync(changed)
    assert report.action == "updated" and (report.added, report.removed) == (4, 2)
    assert embedder.calls - calls == 4  # nothing else re-embedded, no rebuild
    assert index.approximate and index.tombstones == 5 and len(index) == 299
    query = embedder.embed_queries(["rewritten: freight audit checklist number 11"])[0]
    assert index.search(query, 1)[0][0] == 11
    for q in (documents[20][1], documents[11][1]):  # the old texts' vectors are gone from results
        found = [i for i, _ in index.search(embedder.embed_queries([q])[0], 20)]
        assert 20 not in found and 21 not in found and len(found) == 20
    allowed = np.array([20, 21, 300, 301, 11])
    assert {i for i, _ in index.search(query, 10, allowed)} == {300, 301, 11}  # exact path, tombstones out
    assert index.search(embedder.embed_queries([changed[301][1]])[0], 1)[0][0] == 301
    again = VectorIndex(FakeEmbedder(), tmp_path)
    assert again.sync(changed).action == "loaded" and again.tombstones == 5
    assert again.search(query, 1)[0][0] == 11


def test_graph_index_compacts_without_re_embedding(tmp_path, small_limit):
    embedder = FakeEmbedder()
    documents = _docs(200)
    index = VectorIndex(embedder, tmp_path)
    index.sync(documents)
    changed = {**documents, **{i: (f"h{i}-v2", f"second edition of asset {i}") for i in range(1, 81)}}
    calls = embedder.calls
    index.sync(changed)
    assert embedder.calls - calls == 80  # only the changed ones, even though the graph was rebuilt
    assert index.tombstones == 0 and len(index) == 200 and index.next_label == 200
    query = embedder.embed_queries(["second edition of asset 42"])[0]
    assert index.search(query, 1)[0][0] == 42
    assert index.search(embedder.embed_queries([documents[150][1]])[0], 1)[0][0] == 150


def test_index_kind_follows_the_library_size(tmp_path, small_limit):
    embedder = FakeEmbedder()
    index = VectorIndex(embedder, tmp_path)
    index.sync(_docs(40))
    assert not index.approximate
    index.sync(_docs(60))
    assert index.approximate and len(index) == 60
    index.sync(_docs(20))
    assert not index.approximate and len(index) == 20 and index.tombstones == 0
    assert index.search(embedder.embed_queries([_docs(20)[7][1]])[0], 1)[0][0] == 7


def test_an_index_saved_before_labels_existed_still_loads(tmp_path):
    index = VectorIndex(FakeEmbedder(), tmp_path)
    index.sync(DOCS)
    # the earlier format: vectors stored under their asset ids, no label map in the manifest
    import faiss

    old = faiss.IndexIDMap2(faiss.IndexFlatIP(index.embedder.dim))
    old.add_with_ids(index.vectors([1, 2, 3]), np.array([1, 2, 3]))
    faiss.write_index(old, str(index.index_path))
    manifest = json.loads(index.manifest_path.read_text())
    del manifest["labels"], manifest["next_label"]
    index.manifest_path.write_text(json.dumps(manifest))
    emb = FakeEmbedder()
    again = VectorIndex(emb, tmp_path)
    assert again.sync(DOCS).action == "loaded" and emb.calls == 0
    assert again.search(emb.embed_queries(["referral program"])[0], 1)[0][0] == 3


def _answer(rec: Recommender, text: str) -> list[tuple[int, float]]:
    return [(i.asset.id, round(i.score, 5)) for i in rec.recommend(text, k=8).items]


def _synced(engine, directory) -> tuple[Recommender, FakeEmbedder]:
    embedder = FakeEmbedder()
    rec = Recommender(engine, embedder, directory)
    rec.sync()
    return rec, embedder


def _edit(engine, ref: str, **changes) -> int:
    """Change one asset as the Slack commands do; returns its id."""
    from content_library.editing import find_asset, update

    with session_scope(engine) as session:
        asset = find_asset(session, ref)
        update(session, asset, "test", **changes)
        return asset.id


def test_library_changes_are_applied_incrementally_and_agree_with_a_fresh_start(seeded_engine, tmp_path):
    from content_library.editing import find_asset, set_archived, update

    rec, embedder = _synced(seeded_engine, tmp_path / "idx")
    with session_scope(seeded_engine) as session:
        edited = find_asset(session, "1")
        update(session, edited, "test", description="Zebra-striped freight audit worksheet for reefer fleets")
        archived = find_asset(session, "2")
        set_archived(session, archived, True, "test")
        edited_id, archived_id = edited.id, archived.id
    calls = embedder.calls
    assert rec.refresh_if_stale() is True
    assert embedder.calls - calls == 1  # only the edited asset is embedded again
    assert archived_id not in rec.assets and "Zebra" in rec.assets[edited_id].description
    bm25 = rec.index.lexical.scores("zebra-striped worksheet")  # BM25 knows the new words
    assert int(rec.index.lexical.ids[int(np.argmax(bm25))]) == edited_id and bm25.max() > 0
    asks = ["zebra-striped freight audit", "CFO wants pricing and an ROI model", "новый клиент, нужно обучение"]
    fresh = Recommender(seeded_engine, FakeEmbedder(), tmp_path / "fresh")
    fresh.sync()
    for ask in asks:
        assert _answer(rec, ask) == _answer(fresh, ask)
    with session_scope(seeded_engine) as session:
        set_archived(session, find_asset(session, str(archived_id)), False, "test")
    calls = embedder.calls
    assert rec.refresh_if_stale() is True and archived_id in rec.assets
    assert embedder.calls - calls == 2  # its vectors left with it: the restored text and title are embedded again
    assert rec.refresh_if_stale() is False


def test_a_title_edit_re_embeds_the_title_and_a_description_edit_does_not(seeded_engine, tmp_path):
    rec, embedder = _synced(seeded_engine, tmp_path / "idx")
    asset_id = _edit(seeded_engine, "1", title="Reefer fleet audit worksheet")
    calls = embedder.calls
    assert rec.refresh_if_stale() is True
    assert embedder.calls - calls == 2  # the indexed text (it holds the title) and the title itself
    expected = embedder.embed_documents(["Reefer fleet audit worksheet"])[0]
    assert np.allclose(rec.index.titles.vector(asset_id), expected, atol=1e-6)
    _edit(seeded_engine, str(asset_id), description="Now with a fuel section")
    calls = embedder.calls
    assert rec.refresh_if_stale() is True
    assert embedder.calls - calls == 1  # the title did not change: its vector is kept


class _TitleFailingEmbedder(FakeEmbedder):
    """Fails to embed one given text while `broken` is set (the model failing halfway through a sync)."""

    def __init__(self, bad_text: str):
        super().__init__()
        self.bad_text, self.broken = bad_text, True

    def embed_documents(self, texts):
        if self.broken and self.bad_text in texts:
            raise RuntimeError("model failed")
        return self.embed_queries(texts)


def test_a_model_failure_between_the_two_indexes_is_caught_up_at_the_next_sync(seeded_engine, tmp_path):
    title = "Reefer fleet audit worksheet"
    embedder = _TitleFailingEmbedder(title)
    rec = Recommender(seeded_engine, embedder, tmp_path / "idx")
    rec.sync()
    asset_id = _edit(seeded_engine, "1", title=title)
    with pytest.raises(RuntimeError):
        rec.refresh_if_stale()  # the text index took the edit, the title index failed
    assert rec.assets[asset_id].title != title  # the snapshot was left as it was
    embedder.broken = False
    assert rec.refresh_if_stale() is True
    assert rec.assets[asset_id].title == title
    assert np.allclose(rec.index.titles.vector(asset_id), embedder.embed_documents([title])[0], atol=1e-6)
    fresh, _ = _synced(seeded_engine, tmp_path / "fresh")
    assert _answer(rec, "reefer audit worksheet") == _answer(fresh, "reefer audit worksheet")
