"""Batched queries over dask data on a LocalCluster: the same answers as one process, however
the rows are partitioned, with a worker killed mid-run, and the model sent once per worker."""

from __future__ import annotations

import os
import signal
import time
from fractions import Fraction

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import dask

from causal import CausalModel, InvalidValue, UnknownVariable
from causal.distributed import map_batches


def random_model(seed=0, n=8, sizes=(2, 3)) -> CausalModel:
    """A random network V0 -> ... with up to two parents per variable."""
    rng = np.random.default_rng(seed)
    names = [f"V{i}" for i in range(n)]
    size = {v: int(rng.choice(sizes)) for v in names}
    parents, cpts = {}, {}
    for i, v in enumerate(names):
        k = int(rng.integers(0, min(i, 2) + 1))
        ps = [names[j] for j in sorted(rng.choice(i, size=k, replace=False))] if k else []
        table = rng.random([size[p] for p in ps] + [size[v]]) + 0.1
        parents[v], cpts[v] = ps, table / table.sum(-1, keepdims=True)
    return CausalModel(parents, cpts)


def evidence_frame(model, variables, n, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({v: rng.integers(0, len(model.states[v]), n) for v in variables})


def local(model, method, target, **kwargs):
    return getattr(model, method)(target, **kwargs).array


def test_query_on_a_dask_frame_equals_one_process_for_1_2_and_4_partitions(client):
    m = random_model()
    rows = evidence_frame(m, ["V5", "V7"], 300)
    expected = local(m, "query", "V2", evidence=rows)
    for n in (1, 2, 4):
        ddf = dd.from_pandas(rows, npartitions=n)
        out = m.query("V2", evidence=ddf)
        assert out.npartitions == n
        got = out.compute()
        assert list(got.columns) == [f"P(V2={s})" for s in m.states["V2"]]
        assert got.index.tolist() == rows.index.tolist()
        np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12, atol=1e-15)


def test_do_frames_evidence_frames_and_plain_values_combine_row_by_row(client):
    # do in 3 partitions, evidence in 2: the evidence is repartitioned like the do frame.
    m = random_model(3)
    do_rows = evidence_frame(m, ["V1"], 120, seed=2)
    ev_rows = evidence_frame(m, ["V6"], 120, seed=3)
    expected = local(m, "query", ["V4", "V3"], do={"V1": do_rows["V1"].to_numpy()},
                     evidence={"V6": ev_rows["V6"].to_numpy(), "V7": 0})
    out = m.query(["V4", "V3"], do=dd.from_pandas(do_rows, npartitions=3),
                  evidence={"V6": dd.from_pandas(ev_rows["V6"], npartitions=2), "V7": 0})
    got = out.compute()
    assert got.columns[0] == f"P(V4={m.states['V4'][0]}, V3={m.states['V3'][0]})"
    np.testing.assert_allclose(got.to_numpy(), expected.reshape(120, -1), rtol=1e-12)


def test_dask_arrays_give_a_dask_array_chunked_like_the_rows(client):
    m = random_model(4)
    rows = evidence_frame(m, ["V5", "V6"], 200, seed=5)
    expected = local(m, "query", "V0", evidence=rows)
    arrays = {v: da.from_array(rows[v].to_numpy(), chunks=50) for v in rows}
    out = m.query("V0", evidence=arrays)
    assert isinstance(out, da.Array) and out.chunks[0] == (50,) * 4
    np.testing.assert_allclose(out.compute(), expected, rtol=1e-12)


def test_counterfactuals_on_dask_rows_equal_one_process(client):
    m = random_model(6, n=5)
    rows = evidence_frame(m, ["V0", "V4"], 90, seed=7)
    expected = local(m, "counterfactual", "V4", do={"V1": 0}, evidence=rows)
    out = m.counterfactual("V4", do={"V1": 0}, evidence=dd.from_pandas(rows, npartitions=4))
    np.testing.assert_allclose(out.compute().to_numpy(), expected, rtol=1e-12)


def test_exact_models_give_exact_fractions(client):
    half, third = Fraction(1, 2), Fraction(1, 3)
    m = CausalModel({"S": [], "C": ["S"]},
                    {"S": [half, half], "C": [[third, 2 * third], [half, half]]})
    rows = pd.DataFrame({"C": [0, 1, 1, 0, 1]})
    expected = m.query("S", evidence=rows).array
    got = m.query("S", evidence=dd.from_pandas(rows, npartitions=2)).compute()
    assert got.to_numpy().tolist() == expected.tolist()
    assert got.iloc[0, 0] == Fraction(2, 5)


def test_max_memory_bounds_the_rows_of_each_contraction(client):
    m = random_model(8)
    rows = evidence_frame(m, ["V6", "V7"], 400, seed=9)
    expected = local(m, "query", "V1", evidence=rows)
    arrays = {v: da.from_array(rows[v].to_numpy(), chunks=400) for v in rows}
    out = map_batches(m, "query", "V1", evidence=arrays, max_memory=6_000)
    assert 1 < out.numblocks[0] and max(out.chunks[0]) < 400   # rechunked by the rule
    np.testing.assert_allclose(out.compute(), expected, rtol=1e-12)
    frame = dd.from_pandas(rows, npartitions=1)          # pieces within one partition
    got = map_batches(m, "query", "V1", evidence=frame, max_memory=6_000).compute()
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12)


def test_the_model_is_sent_once_not_with_every_task(client):
    import pickle

    m = random_model(10, n=12, sizes=(4, 5))
    rows = dd.from_pandas(evidence_frame(m, ["V11"], 400), npartitions=16)
    out = m.query("V3", evidence=rows)
    graph = dict(out.__dask_graph__())
    size = len(pickle.dumps(m))
    assert len(distributed.protocol.pickle.dumps(graph)) < 4 * size  # 16 partitions


def test_a_cpu_torch_device_gives_the_same_answers():
    pytest.importorskip("torch")
    m = random_model(11)
    rows = evidence_frame(m, ["V4", "V7"], 100, seed=12)
    expected = local(m, "query", "V2", evidence=rows)
    out = map_batches(m, "query", "V2", evidence=dd.from_pandas(rows, npartitions=2),
                      device="cpu", client=False)    # the workers' code path, in-process
    np.testing.assert_allclose(out.compute(scheduler="sync").to_numpy(), expected,
                               rtol=1e-12)


class WithMarginals(CausalModel):
    """A model with one more batched method (as a marginals method would be)."""

    def marginals(self, targets, do=None, evidence=None, on_zero="raise"):
        return {v: self.query(v, do=do, evidence=evidence, on_zero=on_zero) for v in targets}


def test_any_method_taking_batched_do_and_evidence_plugs_in():
    base = random_model(13, n=5)
    m = WithMarginals(base.parents, base.cpts)
    rows = evidence_frame(m, ["V4"], 40, seed=14)
    got = map_batches(m, "marginals", ["V0", "V1"], evidence=dd.from_pandas(rows, 2),
                      client=False)
    got = got.compute(scheduler="sync")      # no cluster: dask's local scheduler
    n0 = len(m.states["V0"])
    np.testing.assert_allclose(got.to_numpy()[:, :n0], local(m, "query", "V0", evidence=rows))
    assert list(got.columns[n0:]) == [f"P(V1={s})" for s in m.states["V1"]]


def test_bad_dask_input_raises_typed_errors():
    m = random_model(15, n=3)
    column = da.zeros(4, chunks=2, dtype=int)
    frame = dd.from_pandas(pd.DataFrame({"V0": [0, 1]}), npartitions=1)
    with pytest.raises(InvalidValue, match="variable names"):
        m.query("V1", evidence=da.zeros((4, 2), chunks=2, dtype=int))
    with pytest.raises(InvalidValue, match="not both"):
        m.query("V1", do={"V0": column}, evidence=frame)
    with pytest.raises(InvalidValue, match="1-d dask array"):
        m.query("V1", evidence={"V0": da.zeros((4, 2), chunks=2, dtype=int)})
    with pytest.raises(UnknownVariable, match="'Q'"):           # checked before any task
        m.query("Q", evidence=frame)
    with pytest.raises(InvalidValue, match="no method"):
        map_batches(m, "posterior_of_everything", "V1", evidence=frame)
    with pytest.raises(InvalidValue, match="mapping"):
        map_batches(m, "query", "V1", evidence=[0, 1])
    with pytest.raises(InvalidValue, match="one row per input row"):
        map_batches(m, "query", "V1", evidence=frame, do={"V2": [[0], [1]]},
                    client=False).compute(scheduler="sync")


def test_a_worker_killed_mid_run_changes_nothing(client):
    m = random_model(16, n=10)
    rows = evidence_frame(m, ["V8", "V9"], 40 * 50, seed=17)
    expected = local(m, "query", "V3", evidence=rows)
    # Each partition takes at least 50 ms to load, so the run is still going at the kill.
    parts = [dask.delayed(lambda df: (time.sleep(0.05), df)[1])(rows.iloc[i:i + 50])
             for i in range(0, len(rows), 50)]
    out = m.query("V3", evidence=dd.from_delayed(parts, meta=rows.iloc[:0]))
    futures = client.compute(out.to_delayed())
    for done, _ in enumerate(distributed.as_completed(futures), 1):
        if done == 2:
            break
    assert sum(f.done() for f in futures) < len(futures)
    pids = client.run(os.getpid)
    os.kill(pids[next(iter(pids))], signal.SIGKILL)   # the nanny restarts it
    got = pd.concat(client.gather(futures))
    assert got.index.tolist() == rows.index.tolist()          # nothing lost or twice
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12)


def test_query_runs_the_slices_of_a_sliced_plan_on_the_cluster(client):
    m = random_model(29, n=9, sizes=(4, 6))     # its largest intermediate: 216 entries
    full = m.query("V8", evidence={"V5": 1}).array
    got = m.query("V8", evidence={"V5": 1}, max_memory=400, executor=client).array
    np.testing.assert_allclose(got, full, rtol=1e-12)


def test_named_states_are_the_values_of_dask_rows():
    m = CausalModel({"S": [], "C": ["S"]}, {"S": [0.5, 0.5], "C": [[0.9, 0.1], [0.3, 0.7]]},
                    states={"S": ["no", "yes"], "C": ["low", "high"]})
    rows = pd.DataFrame({"C": ["high", "low", "high"]})
    out = map_batches(m, "query", "S", evidence=dd.from_pandas(rows, npartitions=2),
                      client=False).compute(scheduler="sync")
    assert list(out.columns) == ["P(S=no)", "P(S=yes)"]
    np.testing.assert_allclose(out.to_numpy(), m.query("S", evidence=rows).array, atol=1e-15)


def test_all_marginals_on_dask_rows_equal_one_process(client):
    m = random_model(5)
    rows = evidence_frame(m, ["V4", "V6"], 60)
    out = m.marginals(evidence=dd.from_pandas(rows, npartitions=3)).compute()
    expected = m.marginals(evidence=rows)
    for v in m.variables:
        got = out[[f"P({v}={s})" for s in m.states[v]]].to_numpy()
        np.testing.assert_allclose(got, expected[v].array, rtol=1e-12, atol=1e-15)
