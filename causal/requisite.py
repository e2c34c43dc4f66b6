"""What a query needs, by d-separation: the Bayes-ball algorithm (Shachter 1998).

For ``P(targets | observed)`` the ball starts at each target as if it came from a child and
bounces by the rules of d-separation: an unobserved node passes a ball from a child to its
parents and children, one from a parent to its children; an observed node passes only a
ball from a parent, back to its parents. The nodes whose top is marked are the *requisite
probability nodes*: only their mechanisms enter the answer. Every other mechanism either is
barren or only multiplies the answer by a constant that normalisation removes. The observed
nodes the ball reaches are the *requisite observations*.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from diagrams import Box, Diagram


def bayes_ball(parents: Mapping[str, Sequence[str]], targets: Collection[str],
               observed: Collection[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The requisite probability nodes and the requisite observations of
    ``P(targets | observed)`` in the DAG given by ``parents``.

    >>> chain = {"A": [], "B": ["A"], "C": ["B"]}
    >>> sorted(bayes_ball(chain, ["C"], ["B"])[0]), sorted(bayes_ball(chain, ["C"], ["B"])[1])
    (['C'], ['B'])
    >>> sorted(bayes_ball({"A": [], "B": [], "C": ["A", "B"]}, ["A"], ["C"])[0])
    ['A', 'B', 'C']
    """
    children: dict[str, list[str]] = {v: [] for v in parents}
    for v, ps in parents.items():
        for p in ps:
            children[p].append(v)
    observed = set(observed)
    top, bottom, visited = set(), set(), set()
    stack = [(t, True) for t in targets]  # (node, visited from a child)
    while stack:
        j, from_child = stack.pop()
        visited.add(j)
        if from_child and j not in observed:
            if j not in top:
                top.add(j)
                stack.extend((p, True) for p in parents[j])
            if j not in bottom:
                bottom.add(j)
                stack.extend((c, False) for c in children[j])
        elif not from_child:
            if j in observed and j not in top:
                top.add(j)
                stack.extend((p, True) for p in parents[j])
            elif j not in observed and j not in bottom:
                bottom.add(j)
                stack.extend((c, False) for c in children[j])
    return frozenset(top), frozenset(visited & observed)


def requisite_diagram(d: Diagram, targets: Sequence[str], observed: Collection[str],
                      positive: Callable[[Box], bool] = lambda box: True) -> Diagram:
    """``d`` (one mechanism box per variable, outputs the targets first) without the
    mechanisms that are not requisite for ``P(targets | observed)`` (those of observed
    variables whose parents are all observed stay: constants). The wires of observed
    variables whose mechanism goes become inputs (their values index the tables that read
    them); outputs of variables that are no longer there go. The mechanisms only go when
    ``positive`` says each of their tables has no zero: the part of the network they form
    then multiplies the answer by a positive constant, whereas a zero could make the
    evidence impossible, which the query must report rather than answer.

    >>> from causal import CausalModel
    >>> m = CausalModel({"A": [], "B": ["A"], "C": ["B"]},
    ...                 {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.2, 0.8]],
    ...                  "C": [[0.7, 0.3], [0.4, 0.6]]})
    >>> [box.name for box in requisite_diagram(m.diagram_of(["C", "B"]), ["C"], {"B"}).boxes]
    ['C']
    """
    variable = [box.cod.names[0] for box in d.boxes]
    parents = {v: box.dom.names for v, box in zip(variable, d.boxes)}
    needed, _ = bayes_ball(parents, targets, observed)
    # Observed variables with only observed parents stay: their mechanism is a constant,
    # cheap to check for evidence of probability zero.
    keep = [j for j, v in enumerate(variable) if v in needed or (
        v in observed and all(p in observed for p in parents[v]))]
    if len(keep) == len(d.boxes):
        return d
    kept = set(keep)
    if not all(positive(box) for j, box in enumerate(d.boxes) if j not in kept):
        return d
    used = {w for j in keep for w in (*d.box_inputs[j], *d.box_outputs[j])}
    made = {w for j in keep for w in d.box_outputs[j]}
    wires = sorted(used)
    new = {w: i for i, w in enumerate(wires)}
    # well formed: a wire whose source went is an input now
    return Diagram._trusted([d.wires[w] for w in wires], [d.boxes[j] for j in keep],
                            [[new[w] for w in d.box_inputs[j]] for j in keep],
                            [[new[w] for w in d.box_outputs[j]] for j in keep],
                            inputs=[new[w] for w in wires if w not in made],
                            outputs=[new[w] for w in d.outputs if w in made])
