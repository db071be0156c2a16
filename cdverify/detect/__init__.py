"""Detection: what a project *is* — its layers, web frameworks and routes, database engines,
data-access libraries and raw SQL, and the objects other modules share.

Each detector reads the parse stage's facts (and the manifests) and returns a typed report; none
judges anything. The verifiers in `cdverify.verifiers` read these reports against the constraints.
"""
