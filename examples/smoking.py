"""The smoking / tar / cancer model with a latent common cause, as a string diagram.

    U -> Smoking, U -> Cancer, Smoking -> Tar -> Cancer      (U latent: discarded)

Run with ``make demo``. Prints the exact observational joint of (Smoking, Tar, Cancer) and
writes a drawing of the diagram to ``build/smoking.png``; then P(Cancer | do(Smoking)) by
surgery next to the naive P(Cancer | Smoking), and the intervened diagram to
``build/smoking_do.png``; finally P(Cancer | do(Smoking)) identified from the observational
joint alone (U latent) by the front-door formula and by comb disintegration, checked exactly
against the surgery with U known.
"""

from fractions import Fraction as Fr
from pathlib import Path

from diagrams import Box, Ty, trace
from markov import interpret, posterior

U, S, T, C = Ty("U"), Ty("Smoking"), Ty("Tar"), Ty("Cancer")

# One mechanism box per variable, inputs = its parents in a stated order.
u = Box("U", Ty(), U)
smoking = Box("Smoking", U, S)
tar = Box("Tar", S, T)
cancer = Box("Cancer", T @ U, C)


@trace()
def model():
    u_ = u()
    s_ = smoking(u_)
    t_ = tar(s_)
    return s_, t_, cancer(t_, u_)  # u_ is used twice (copied) and not returned (latent)


# Outcomes are (no, yes) on every wire; axes of a CPT are [*parents, variable].
CPTS = {
    u: [Fr(1, 2), Fr(1, 2)],
    smoking: [[Fr(4, 5), Fr(1, 5)],                  # P(Smoking | U = 0)
              [Fr(3, 10), Fr(7, 10)]],               # P(Smoking | U = 1)
    tar: [[Fr(19, 20), Fr(1, 20)],                   # P(Tar | Smoking = no)
          [Fr(1, 10), Fr(9, 10)]],                   # P(Tar | Smoking = yes)
    cancer: [[[Fr(9, 10), Fr(1, 10)], [Fr(7, 10), Fr(3, 10)]],   # Tar = no,  U = 0 / 1
             [[Fr(3, 5), Fr(2, 5)], [Fr(3, 10), Fr(7, 10)]]],    # Tar = yes, U = 0 / 1
}


def main() -> None:
    joint = interpret(model, CPTS)
    print(f"The model: {model}")
    print(f"P({joint.cod}) exactly, one contraction:")
    names = ("no", "yes")
    for i in range(2):
        for j in range(2):
            for k in range(2):
                print(f"  Smoking={names[i]:3} Tar={names[j]:3} Cancer={names[k]:3}  "
                      f"{joint.array[i, j, k]}")
    assert sum(joint.array.ravel()) == 1
    # A Bayesian update on the observed joint: P(Smoking | Cancer = yes), exactly.
    update = posterior(joint, "Smoking", {"Cancer": 1})
    print("P(Smoking | Cancer = yes) exactly: "
          + ", ".join(f"Smoking={n}: {p}" for n, p in zip(names, update.array)))
    out = Path("build")
    out.mkdir(exist_ok=True)
    model.draw(out / "smoking.png", styles={"U": {"linestyle": "--"}})
    print(f"Drawing written to {out / 'smoking.png'}")
    truth = intervene(out)
    identification(joint, truth)


def intervene(out: Path):
    """With the latent U known, P(Cancer | do(Smoking)) by string-diagram surgery, next to the
    naive conditional P(Cancer | Smoking); the intervened diagram is drawn."""
    from causal import CausalModel

    causal_model = CausalModel({box.name: box.dom.names for box in CPTS},
                               {box.name: table for box, table in CPTS.items()},
                               states={box.name: ["no", "yes"] for box in CPTS}, latent=["U"])
    do = causal_model.query("Cancer", do={"Smoking": ["no", "yes"]})       # one contraction
    see = causal_model.query("Cancer", evidence={"Smoking": ["no", "yes"]})  # a batch of 2
    print("P(Cancer = yes | do(Smoking)) by surgery, next to the naive P(Cancer = yes | Smoking):")
    for i, name in enumerate(("no", "yes")):
        print(f"  Smoking={name:3}  do: {do.array[i, 1]}   see: {see.array[i, 1]}")
    intervened = causal_model.do(Smoking="yes")
    intervened.draw(out / "smoking_do.png")
    print(f"Intervened diagram {intervened.diagram} written to {out / 'smoking_do.png'}")
    return do


def identification(joint, truth) -> None:
    """P(Cancer | do(Smoking)) from the observational joint of (Smoking, Tar, Cancer) alone:
    the graph says only that a latent U confounds Smoking and Cancer."""
    import networkx as nx

    from causal.comb import comb_disintegrate
    from causal.identify import identify

    graph = nx.DiGraph([("U", "Smoking"), ("U", "Cancer"), ("Smoking", "Tar"),
                        ("Tar", "Cancer")])
    graph.nodes["U"]["latent"] = True
    estimand = identify(graph, "Smoking", "Cancer")
    effect = estimand.evaluate(joint)                   # a kernel Smoking -> Cancer
    print(f"Identified with U latent: {estimand}")
    print(f"  as a diagram over the joint's kernels: {estimand.diagram}")
    comb = comb_disintegrate(joint, "Smoking", "Tar", "Cancer", graph=graph).plug()
    for i, name in enumerate(("no", "yes")):
        print(f"  Smoking={name:3}  P(Cancer = yes | do(Smoking)) = {effect.array[i, 1]}")
    assert (effect.array == truth.array).all() and (comb.array == truth.array).all()
    print("  equal, exactly, to surgery with U known (and to the plugged comb)")


if __name__ == "__main__":
    main()
